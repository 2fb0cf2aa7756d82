import { Callbacks, Client, type Room } from "@colyseus/sdk";
import { CLIENT_SEND_INTERVAL_MS, WORKSPACE_ROOM } from "../../../shared/constants";
import {
  ClientMessage,
  ServerMessage,
  type ErrorPayload,
  type HandOffPayload,
  type PersonMode,
  type QuestionClosedPayload,
  type QuestionPayload,
} from "../../../shared/protocol/messages";
import type { Role } from "../../../shared/roles";
import type { JoinOptions, MovePayload, TaskCreatePayload, TaskUpdatePayload } from "../../../shared/protocol/schemas";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";
import { WorkServerMessage, type ActivityItem } from "../../../shared/protocol/work-messages";
import type { Agent, ArtifactCard, Person, TaskCard, WorkspaceState } from "../../../shared/state";
import { POSES_MESSAGE } from "../../../shared/pose-wire";
import type { World } from "../../../shared/world";
import { layoutObstacles } from "./campus-layout";
import { SnapshotBuffer } from "./interpolation";
import { PoseStream } from "./pose-stream";
import { PERSON_COARSE, SPECTATOR_COARSE } from "./pose-feed";
import { agentPoses, localPlayer, remotePoses } from "./people";
import { remoteBodies, writeBody } from "./xr-body";
import { mergeActivity } from "./activity";
import { handOffArcs } from "./arcs";
import { joinToken } from "./join-token";
import {
  addSpeech,
  appStore,
  removeAgent,
  removeArtifact,
  removePerson,
  removeTask,
  showNotice,
  upsertAgent,
  upsertArtifact,
  upsertPerson,
  upsertTask,
} from "./store";

/** Wait between fresh join attempts once automatic reconnection has given up (ms). */
export const REJOIN_DELAYS_MS = [1000, 2000, 4000, 8000, 15000] as const;
const TOKEN_KEY = "atrium.reconnectionToken";

type WorkspaceRoom = Room<unknown, WorkspaceState>;

/**
 * The link between this browser and the workspace room. It joins, keeps the store and pose
 * buffers in step with patches, sends this person's pose at the patch rate, and comes back
 * by itself after a drop: first through Colyseus reconnection (same seat, same avatar), then,
 * if the seat is gone, by joining again at the last known place.
 */
export class WorkspaceConnection {
  private readonly client: Client;
  private room: WorkspaceRoom | null = null;
  private name = "";
  private mode: PersonMode = "desktop";
  private lastSentAt = 0;
  private dirty = false;
  private rejoinAttempt = 0;
  private rejoinTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly scratchMove: MovePayload = { x: 0, z: 0, yaw: 0, pitch: 0 };
  /** The current room's pose stream: it also says how often to send our own pose. */
  private poses: PoseStream | null = null;
  /** Features loaded later (voice) that register their own messages on every room joined. */
  private readonly roomListeners = new Set<(room: Room) => void>();

  /** Where this connection keeps its reconnection token (a spectator tab keeps its own). */
  private readonly tokenKey: string;
  /** Joins with this role (e.g. "spectator": no avatar, read-only); the server's default when absent. */
  private readonly role: Role | undefined;

  constructor(
    private readonly workspace: string,
    endpoint?: string,
    options: { role?: Role; tokenKey?: string } = {},
  ) {
    this.client = endpoint ? new Client(endpoint) : new Client();
    this.tokenKey = options.tokenKey ?? TOKEN_KEY;
    this.role = options.role;
  }

  get sessionId(): string | null {
    return this.room?.sessionId ?? null;
  }

  /** Joins (or, after a reload, reclaims the previous seat). Rejects with a readable message. */
  async join(name: string, mode: PersonMode = "desktop"): Promise<void> {
    this.name = name;
    this.mode = mode;
    this.closed = false;
    appStore.setState({ status: "connecting", statusDetail: "Joining the workspace…", workspace: this.workspace });
    const token = sessionStorage.getItem(this.tokenKey);
    let room: WorkspaceRoom | null = null;
    if (token) {
      room = await this.client.reconnect<WorkspaceState>(token).catch(() => null);
      if (!room) sessionStorage.removeItem(this.tokenKey);
    }
    if (!room) room = await this.client.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, this.joinOptions(false));
    this.attach(room);
  }

  /** Marks the local pose as changed; it goes out with the next send slot. */
  markPoseDirty(): void {
    this.dirty = true;
  }

  /** Called every frame: sends the local pose when it changed and a send slot is due. */
  flushPose(now: number): void {
    if (!this.dirty || !this.room || now - this.lastSentAt < (this.poses?.moveIntervalMs ?? CLIENT_SEND_INTERVAL_MS)) return;
    if (appStore.getState().status !== "connected") return;
    const p = localPlayer.pose;
    const m = this.scratchMove;
    m.x = p.x;
    m.z = p.z;
    m.yaw = p.yaw;
    m.pitch = p.pitch;
    writeBody(m);
    this.room.send(ClientMessage.Move, m);
    this.lastSentAt = now;
    this.dirty = false;
  }

  /** Calls `listener` with the current room (if any) and every room joined later; returns an unsubscribe. */
  onRoom(listener: (room: Room) => void): () => void {
    this.roomListeners.add(listener);
    if (this.room) listener(this.room);
    return () => this.roomListeners.delete(listener);
  }

  /** Sends a message whose name and schema a feature owns (voice). False when not connected. */
  send(type: string, payload: unknown): boolean {
    if (!this.room) return false;
    this.room.send(type, payload);
    return true;
  }

  talk(agentId: string, text: string): void {
    this.room?.send(ClientMessage.Talk, { agentId, text });
  }

  answer(requestId: string, choice: string, comment?: string): void {
    this.room?.send(ClientMessage.Answer, comment ? { requestId, choice, comment } : { requestId, choice });
  }

  /** Puts a new task on a district's board. Refusals come back as an `error` notice. */
  createTask(payload: TaskCreatePayload): boolean {
    if (!this.room) return false;
    this.room.send(ClientMessage.TaskCreate, payload);
    return true;
  }

  /** Moves a task to another column and/or (re)assigns it. */
  updateTask(payload: TaskUpdatePayload): boolean {
    if (!this.room) return false;
    this.room.send(ClientMessage.TaskUpdate, payload);
    return true;
  }

  rename(name: string): void {
    this.name = name;
    this.room?.send(ClientMessage.Rename, { name });
  }

  /** Leaves for good (no reconnection). */
  async leave(): Promise<void> {
    this.closed = true;
    if (this.rejoinTimer) clearTimeout(this.rejoinTimer);
    sessionStorage.removeItem(this.tokenKey);
    await this.room?.leave(true);
  }

  private joinOptions(resume: boolean): JoinOptions {
    const options: JoinOptions = { workspace: this.workspace, name: this.name, mode: this.mode, token: joinToken() };
    if (this.role) options.role = this.role;
    if (resume) options.resume = { x: localPlayer.pose.x, z: localPlayer.pose.z };
    return options;
  }

  private attach(room: WorkspaceRoom): void {
    this.room = room;
    // The SDK skips reconnection for rooms joined under 5 s ago; a drop right after joining
    // would then take a second seat and leave a "reconnecting" ghost. Reclaim the seat always.
    room.reconnection.minUptime = 0;
    this.rejoinAttempt = 0;
    sessionStorage.setItem(this.tokenKey, room.reconnectionToken);
    appStore.setState({ selfId: room.sessionId, status: "connected", statusDetail: "Connected" });

    room.onMessage(ServerMessage.World, (world: World) => {
      localPlayer.setBounds(world.campusRadius, layoutObstacles(world));
      appStore.setState({ world });
    });
    // Moderation and shutdown notices (plain text; shown escaped like every notice).
    room.onMessage("notice", (n: { kind: string; message: string }) => showNotice(n.kind === "moderation" || n.kind === "unmuted" ? "info" : "error", n.message));
    room.onMessage(ServerMessage.Error, (error: ErrorPayload) => {
      if (error.correction) localPlayer.place(error.correction.x, error.correction.z);
      showNotice("error", error.message);
    });

    room.onMessage(AgentServerMessage.Speech, (s: SpeechPayload) => addSpeech(s.agentId, s.utteranceId, s.delta, s.done));
    room.onMessage(ServerMessage.Question, (q: QuestionPayload) => appStore.setState((s) => ({ questions: { ...s.questions, [q.requestId]: q } })));
    room.onMessage(ServerMessage.QuestionClosed, (c: QuestionClosedPayload) =>
      appStore.setState((s) => {
        const { [c.requestId]: _closed, ...rest } = s.questions;
        return { questions: rest };
      }),
    );
    room.onMessage(ServerMessage.HandOff, (h: HandOffPayload) => handOffArcs.trigger(h.from, h.to, performance.now()));
    room.onMessage(WorkServerMessage.Activity, (item: ActivityItem) => {
      if (item.kind === "hand-off" && item.from && item.to) handOffArcs.trigger(item.from, item.to, performance.now());
      appStore.setState((s) => ({ activity: mergeActivity(s.activity, [item]) }));
    });
    room.onMessage(WorkServerMessage.ActivityBacklog, (items: ActivityItem[]) =>
      appStore.setState((s) => ({ activity: mergeActivity(s.activity, Array.isArray(items) ? items : []) })),
    );

    // Poses come as a binary stream of their own (shared/pose-wire.ts), not in the state.
    const poses = new PoseStream((x, z) => localPlayer.place(x, z), this.role === "spectator" ? SPECTATOR_COARSE : PERSON_COARSE);
    room.onMessage(POSES_MESSAGE, (bytes: Uint8Array) => poses.apply(bytes, performance.now()));
    this.poses = poses;
    this.watchPeople(room, poses);
    this.watchAgents(room, poses);
    this.watchWork(room);
    for (const listener of this.roomListeners) listener(room);

    room.onDrop(() => {
      appStore.setState({ status: "reconnecting", statusDetail: "Connection lost — reconnecting…" });
    });
    room.onReconnect(() => {
      sessionStorage.setItem(this.tokenKey, room.reconnectionToken);
      appStore.setState({ status: "connected", statusDetail: "Connected" });
      this.dirty = true;
    });
    room.onLeave((code) => {
      if (this.room !== room) return;
      this.room = null;
      this.forgetPeople();
      if (this.closed) {
        appStore.setState({ status: "idle", statusDetail: "Left the workspace" });
        return;
      }
      sessionStorage.removeItem(this.tokenKey);
      // Removed by the owner (4003) or for flooding (4008): no automatic way back in.
      if (code === 4003 || code === 4008) {
        appStore.setState({ status: "offline", statusDetail: code === 4003 ? "Removed by the owner" : "Disconnected: too many messages" });
        return;
      }
      this.scheduleRejoin(`The server closed the connection (code ${code}).`);
    });
  }

  private watchPeople(room: WorkspaceRoom, poses: PoseStream): void {
    const callbacks = Callbacks.get(room);
    callbacks.onAdd("people", (person: Person, id: string) => {
      const meta = () => ({ id, name: person.name, colour: person.colour, mode: person.mode, connected: person.connected });
      upsertPerson(meta());
      if (id === room.sessionId) {
        // Our own avatar: the first pose the stream has of it says where the server put us.
        poses.setSelf(person.slot);
        return;
      }
      // Full poses while the person is near, coarse ones otherwise (engine/pose-stream.ts).
      const body = remoteBodies.get(id) ?? { headY: 0, hands: 0, leftX: 0, leftY: 0, leftZ: 0, rightX: 0, rightY: 0, rightZ: 0 };
      remoteBodies.set(id, body);
      const register = () => remotePoses.set(id, poses.add(id, person.slot, remotePoses.get(id) ?? new SnapshotBuffer(), body));
      register();
      callbacks.onChange(person, () => {
        register();
        upsertPerson(meta());
      });
    });
    callbacks.onRemove("people", (person: Person, id: string) => {
      poses.remove(id, person.slot);
      remotePoses.delete(id);
      remoteBodies.delete(id);
      removePerson(id);
    });
  }

  private watchAgents(room: WorkspaceRoom, poses: PoseStream): void {
    const callbacks = Callbacks.get(room);
    callbacks.onAdd("agents", (agent: Agent, id: string) => {
      const meta = () => ({
        id,
        name: agent.name,
        role: agent.role,
        colour: agent.colour,
        shape: agent.shape,
        state: agent.state,
        reason: agent.reason,
        taskId: agent.taskId,
        brain: agent.brain,
      });
      upsertAgent(meta());
      const register = () => agentPoses.set(id, poses.add(id, agent.slot, agentPoses.get(id) ?? new SnapshotBuffer(), null));
      register();
      callbacks.onChange(agent, () => {
        register();
        upsertAgent(meta());
      });
    });
    callbacks.onRemove("agents", (agent: Agent, id: string) => {
      poses.remove(id, agent.slot);
      agentPoses.delete(id);
      removeAgent(id);
    });
  }

  /** Task cards and wall artifacts: slow state, straight into the store. */
  private watchWork(room: WorkspaceRoom): void {
    const callbacks = Callbacks.get(room);
    callbacks.onAdd("tasks", (card: TaskCard, id: string) => {
      const meta = () => ({
        id,
        title: card.title,
        status: card.status,
        district: card.district,
        assigneeKind: card.assigneeKind,
        assignee: card.assignee,
        createdAt: card.createdAt,
        updatedAt: card.updatedAt,
        escalated: card.escalated,
        artifacts: card.artifacts,
      });
      upsertTask(meta());
      callbacks.onChange(card, () => upsertTask(meta()));
    });
    callbacks.onRemove("tasks", (_card: TaskCard, id: string) => removeTask(id));
    callbacks.onAdd("artifacts", (a: ArtifactCard, id: string) => {
      const meta = () => ({ id, title: a.title, kind: a.kind, taskId: a.taskId, district: a.district, createdBy: a.createdBy, createdAt: a.createdAt });
      upsertArtifact(meta());
      callbacks.onChange(a, () => upsertArtifact(meta()));
    });
    callbacks.onRemove("artifacts", (_a: ArtifactCard, id: string) => removeArtifact(id));
  }

  private forgetPeople(): void {
    remotePoses.clear();
    agentPoses.clear();
    appStore.setState({ people: {}, agents: {}, questions: {}, tasks: {}, artifacts: {} });
  }

  private scheduleRejoin(reason: string): void {
    const delay = REJOIN_DELAYS_MS[Math.min(this.rejoinAttempt, REJOIN_DELAYS_MS.length - 1)]!;
    this.rejoinAttempt++;
    appStore.setState({ status: "offline", statusDetail: `${reason} Trying again in ${Math.round(delay / 1000)} s.` });
    this.rejoinTimer = setTimeout(() => this.rejoin(), delay);
  }

  /** Try again now instead of waiting for the next scheduled attempt. */
  retryNow(): void {
    if (!this.rejoinTimer) return;
    this.rejoinAttempt = 0;
    this.rejoin();
  }

  private rejoin(): void {
    if (this.rejoinTimer) clearTimeout(this.rejoinTimer);
    this.rejoinTimer = null;
    appStore.setState({ status: "connecting", statusDetail: "Joining the workspace again…" });
    this.client.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, this.joinOptions(true)).then(
      (room) => this.attach(room),
      (err: unknown) => this.scheduleRejoin(`Could not reach the server (${describeError(err)}).`),
    );
  }
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === "object" && err && "message" in err) return String((err as { message: unknown }).message);
  return String(err);
}
