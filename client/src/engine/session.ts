import { DEFAULT_WORKSPACE, MAX_NAME_LENGTH } from "../../../shared/constants";
import { WorkspaceConnection, describeError } from "./net";
import { appStore } from "./store";
import { captureJoinToken, installTokenFetch } from "./join-token";

// An invite or owner link's ?token=: kept for this tab, sent on join and with /api requests.
captureJoinToken();
installTokenFetch();

const NAME_KEY = "atrium.name";

/** The workspace named in the URL (`?workspace=team-a`), else the default one. */
export function workspaceFromUrl(search = window.location.search): string {
  const w = new URLSearchParams(search).get("workspace")?.trim().toLowerCase();
  return w && /^[a-z0-9][a-z0-9-]{0,39}$/.test(w) ? w : DEFAULT_WORKSPACE;
}

export const connection = new WorkspaceConnection(workspaceFromUrl());

export function rememberedName(): string {
  return (localStorage.getItem(NAME_KEY) ?? "").slice(0, MAX_NAME_LENGTH);
}

/** Saves the name, joins the workspace and enters the campus. Throws a readable error. */
export async function enterCampus(name: string): Promise<void> {
  localStorage.setItem(NAME_KEY, name);
  appStore.setState({ phase: "joining" });
  try {
    await connection.join(name);
    appStore.setState({ phase: "campus" });
  } catch (err) {
    appStore.setState({ phase: "name", status: "offline", statusDetail: describeError(err) });
    throw new Error(`Could not join: ${describeError(err)}`);
  }
}
