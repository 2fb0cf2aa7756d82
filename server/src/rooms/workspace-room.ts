import { Room, type Client } from "@colyseus/core";
import type { z } from "zod";
import { DEFAULT_WORKSPACE, PATCH_INTERVAL_MS, RECONNECT_GRACE_S } from "../../../shared/constants";
import type { Roster } from "../../../shared/agents";
import { ServerMessage, type ErrorPayload } from "../../../shared/protocol/messages";
import {
  clientMessageSchemas,
  joinOptionsSchema,
  workspaceIdSchema,
  type AnswerPayload,
  type MovePayload,
  type RenamePayload,
  type TalkPayload,
  type TaskCreatePayload,
  type TaskUpdatePayload,
} from "../../../shared/protocol/schemas";
import { WorkServerMessage } from "../../../shared/protocol/work-messages";
import { Person, WorkspaceState } from "../../../shared/state";
import type { World } from "../../../shared/world";
import { AgentRuntime } from "../agents/runtime";
import { AgentRecorder } from "../replay/recorder";
import type { Brain } from "../agents/types";
import type { Logger } from "../logger";
import type { Role } from "../../../shared/roles";
import { AuthError, type AuthService, type Identity } from "../auth/auth";
import { maySend, policedMessageTypes } from "../auth/policy";
import { CLOSE_KICKED, CLOSE_LIMITS, ClientLimiter, LlmActionLimiter, limitsWith, type Limits } from "../auth/limits";
import type { BudgetLedger } from "../llm/budget-ledger";
import { NoticeMessage, type NoticePayload } from "../../../shared/protocol/moderation-messages";
import type { KickPayload, MutePayload } from "../../../shared/protocol/moderation-schemas";
import type { Store } from "../store/store";
import { describeIssues } from "../world/load-world";
import { applyBody, checkMove, insideCampus, mayTeleport } from "./movement";
import { resumeAgentTasks, TaskIntents, type Refusal } from "./task-intents";
import { WorkMirror } from "./work-mirror";
import { AgentModeration, type Moderated } from "./agent-moderation";
import { TalkInbox } from "./talk-inbox";
import { TickStats } from "./tick-stats";
import { RoomVoice, VoiceHub } from "../voice";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";

/** How often agents are stepped: walking, watchdog (ms). */
export const AGENT_TICK_MS = 50;

export interface RoomDeps {
  world: World;
  roster: Roster;
  /** Drives every agent of the room: the offline planner or the LLM loop. */
  brain: Brain;
  store: Store;
  log: Logger;
  /** Live rooms of this server, for /metrics and /readyz. Rooms add and remove themselves. */
  rooms: Set<WorkspaceRoom>;
  /** Speech in and out (server/src/voice); voice is off when absent. */
  voice?: VoiceHub;
  /** Join tokens and open mode: who may join, as which role. */
  auth: AuthService;
  /** Rate and size limits (server/src/auth/limits.ts); the defaults when absent. */
  limits?: Partial<Limits>;
  /** The LLM spend ledger, for the owner's budget changes; null with the offline planner. */
  ledger?: BudgetLedger | null;
  /** True while the server drains for shutdown: joins are refused. */
  isDraining?: () => boolean;
  /** How long a dropped seat (avatar, role, place) is held for a reconnection (s). RECONNECT_GRACE_S when absent. */
  reconnectGraceS?: number;
}

/** Messages a muted person may not send. */
const MUTED_TYPES: ReadonlySet<string> = new Set(["talk", "voice-barge-in"]);

/** Everyone in the room, people and spectators alike, by session id. Kept through a reconnection. */
export interface Seat {
  role: Role;
  name: string;
  /** The invite behind their token, or null (open mode). */
  inviteId: string | null;
  /** Muted by the owner: until this time (ms since the epoch), or Infinity; 0 when not muted. */
  mutedUntil: number;
  /** Their message buckets and strikes. */
  limiter: ClientLimiter;
}

const AVATAR_COLOURS = ["#e76f51", "#2a9d8f", "#e9c46a", "#8ab17d", "#6d597a", "#457b9d", "#f4a261", "#b56576"];

function colourFor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return AVATAR_COLOURS[Math.abs(h) % AVATAR_COLOURS.length]!;
}

type Handler<S extends z.ZodType> = (client: Client, payload: z.output<S>) => void;

/**
 * Builds the authoritative room for one workspace, bound to its world, store and logger.
 * A factory rather than globals, so tests and benchmarks can run it with their own parts.
 */
export function defineWorkspaceRoom(deps: RoomDeps) {
  const { world, roster, brain, store, log, rooms, auth } = deps;
  const limits = limitsWith(deps.limits);

  return class WorkspaceRoom extends Room<{ state: WorkspaceState }> {
    override maxClients = 512;
    override patchRate = PATCH_INTERVAL_MS;
    workspace = DEFAULT_WORKSPACE;
    /** Patch encode + message handling time per patch interval, for /metrics and the bench. */
    readonly ticks = new TickStats();
    private workSinceLastPatch = 0;
    /** When each person's last move was accepted (ms, monotonic). */
    private readonly lastMoveAt = new Map<string, number>();
    runtime!: AgentRuntime;
    /** People's words to agents, saved in batches before they are delivered. */
    private talk!: TalkInbox;
    /** Boards, walls and the activity feed, mirrored from the store. */
    work!: WorkMirror;
    private taskIntents!: TaskIntents;
    /** The owner's pause, resume and budget for agents. */
    private agentModeration!: AgentModeration;
    /** The first person's arrival starts the offline demo work once per room. */
    private kickedOff = false;
    /** Spoken utterances, agents' voices and barge-in (server/src/voice). */
    voice!: RoomVoice;
    /** Role and name of every client, spectators included (spectators have no Person). */
    readonly seats = new Map<string, Seat>();
    /** Actions that make agents think, per person per minute. */
    private readonly llmActions = new LlmActionLimiter(limits.llmActionsPerMinute);

    override onCreate(options: { workspace?: unknown }) {
      // Refuse a bad workspace id here, before a room exists for it; onJoin checks the rest.
      const workspace = workspaceIdSchema.optional().safeParse(options.workspace);
      if (!workspace.success) throw new Error(`cannot join: workspace: ${workspace.error.issues.map((i) => i.message).join("; ")}`);
      this.workspace = workspace.data ?? DEFAULT_WORKSPACE;
      this.state = new WorkspaceState();
      this.state.workspace = this.workspace;
      this.runtime = new AgentRuntime({
        workspace: this.workspace,
        world,
        roster,
        store,
        log,
        state: this.state,
        brain,
        broadcast: (type, payload) => {
          this.broadcast(type, payload);
          if (type === AgentServerMessage.Speech) this.voice?.onSpeech(payload as SpeechPayload);
        },
      });
      const recorder = new AgentRecorder({ store, workspace: this.workspace, agents: this.state.agents, log }); // poses and states for the replay
      this.setSimulationInterval((dtMs) => {
        const started = performance.now();
        this.runtime.tick(Math.min(dtMs, 250) / 1000);
        recorder.sample();
        this.workSinceLastPatch += performance.now() - started;
      }, AGENT_TICK_MS);
      this.handle("move", this.onMove);
      this.handle("rename", this.onRename);
      this.talk = new TalkInbox(store, log, (flush) =>
        setImmediate(() => {
          const started = performance.now();
          flush();
          this.workSinceLastPatch += performance.now() - started;
        }),
      );
      this.handle("talk", this.onTalk);
      this.handle("answer", this.onAnswer);
      this.handle("task-create", this.onTaskCreate);
      this.handle("task-update", this.onTaskUpdate);
      // The boards and the feed rebuild from the database; agents get back the work they had under way.
      this.work = new WorkMirror({ workspace: this.workspace, world, roster, store, state: this.state, log, broadcast: (type, payload) => this.broadcast(type, payload) });
      this.taskIntents = new TaskIntents({ workspace: this.workspace, world, store, runtime: this.runtime });
      resumeAgentTasks({ workspace: this.workspace, store, runtime: this.runtime });
      this.voice = new RoomVoice({
        hub: deps.voice ?? new VoiceHub({ stt: null, tts: null }, log),
        workspace: this.workspace,
        roster,
        state: this.state,
        log,
        clients: () => this.clients,
        broadcast: (type, payload) => this.broadcast(type, payload),
        talk: (sessionId, agentId, text) => this.talkAs(sessionId, agentId, text),
        interrupt: (agentId, reason) => this.runtime.interrupt(agentId, reason),
        audit: (actor, kind, data) => store.audit({ workspace: this.workspace, actor, kind, data }),
      });
      this.handle("voice-hello", (client, { listen }) => this.voice.hello(client, listen));
      this.handle("voice-prefs", (client, { listen }) => this.voice.prefs(client, listen));
      this.handle("voice-barge-in", (client, payload) => this.voice.bargeIn(client, payload));
      this.onMessage("*", (client, type) => {
        if (!this.admit(client, String(type))) return;
        const role = this.seats.get(client.sessionId)?.role;
        // A type the policy names but this role may not send is "forbidden", whether or not it has a handler.
        if (typeof type === "string" && role && !maySend(role, type) && policedMessageTypes().includes(type)) {
          this.reject(client, { code: "forbidden", rejected: type, message: `a ${role} may not send "${type}"` });
          return;
        }
        this.reject(client, { code: "unknown_message", rejected: String(type), message: `unknown message type "${String(type)}"` });
      });
      this.handle("mute", this.onMute);
      this.handle("unmute", this.onUnmute);
      this.handle("kick", this.onKick);
      this.agentModeration = new AgentModeration({ workspace: this.workspace, runtime: this.runtime, store, ledger: deps.ledger ?? null });
      this.handle("agent-pause", (client, { agentId }) => this.onAgentModeration(client, "agent-pause", agentId, this.agentModeration.pause(agentId)));
      this.handle("agent-resume", (client, { agentId }) => this.onAgentModeration(client, "agent-resume", agentId, this.agentModeration.resume(agentId)));
      this.handle("agent-budget", (client, { agentId, usd }) => this.onAgentModeration(client, "agent-budget", agentId, this.agentModeration.setBudget(agentId, usd)));
      this.agentModeration.loadBudgets();
      rooms.add(this);
      log.info({ workspace: this.workspace, roomId: this.roomId }, "workspace room created");
    }

    /**
     * Registers a handler. Every message passes, in order: the sender's rate limits
     * (server/src/auth/limits.ts), the access policy (the sender's role must be allowed this
     * type: server/src/auth/policy.ts; a type not in the policy is refused), a mute, then the
     * message's zod schema. A refusal changes nothing and answers one "error". Register every
     * client message through here, never with onMessage directly.
     */
    private handle<K extends keyof typeof clientMessageSchemas>(type: K, handler: Handler<(typeof clientMessageSchemas)[K]>) {
      const schema = clientMessageSchemas[type];
      this.onMessage(type, (client, raw: unknown) => {
        const started = performance.now();
        try {
          this.dispatch(client, type, raw, schema, handler as Handler<z.ZodType>);
        } finally {
          this.workSinceLastPatch += performance.now() - started;
        }
      });
    }

    private dispatch(client: Client, type: string, raw: unknown, schema: z.ZodType, handler: Handler<z.ZodType>) {
      if (!this.admit(client, type)) return;
      const seat = this.seats.get(client.sessionId);
      if (!seat || !maySend(seat.role, type)) {
        this.reject(client, { code: "forbidden", rejected: type, message: `a ${seat?.role ?? "visitor"} may not send "${type}"` });
        return;
      }
      if (MUTED_TYPES.has(type) && this.isMuted(seat)) {
        this.reject(client, { code: "muted", rejected: type, message: "the owner has muted you: you cannot talk to agents for now" });
        return;
      }
      {
        const parsed = schema.safeParse(raw);
        if (!parsed.success) {
          this.reject(client, { code: "invalid_message", rejected: type, message: describeIssues(parsed.error).join("; ") });
        } else {
          handler.call(this, client, parsed.data as never);
        }
      }
    }

    /**
     * Takes one message from the client's buckets. Over a limit: a "rate_limited" error; a
     * client that keeps going is told why and disconnected. False when the message is refused.
     */
    private admit(client: Client, type: string): boolean {
      const seat = this.seats.get(client.sessionId);
      // Not (or no longer) in the room, or on the way out: nothing more is read from them.
      if (!seat || this.expelled.has(client.sessionId)) return false;
      const verdict = seat.limiter.admit(type, performance.now());
      if (verdict.ok) return true;
      this.overLimit(client, type, verdict.message, verdict.disconnect);
      return false;
    }

    private overLimit(client: Client, type: string, message: string, disconnect: boolean) {
      if (!disconnect) {
        this.reject(client, { code: "rate_limited", rejected: type, message });
        return;
      }
      const seat = this.seats.get(client.sessionId);
      if (!seat) return;
      log.warn({ workspace: this.workspace, session: client.sessionId, role: seat.role, type }, "client disconnected for persisting over its limits");
      store.audit({ workspace: this.workspace, actor: client.sessionId, kind: "limits-disconnect", data: { type, message } });
      this.notice(client, { kind: "limits", message: `Disconnected: ${message}, again and again.` });
      this.removeNow(client, CLOSE_LIMITS);
    }

    /** Frees the seat for good (no reconnection) and closes the connection. */
    private removeNow(client: Client, code: number) {
      this.expelled.add(client.sessionId);
      client.leave(code);
    }

    /** Sessions removed by the owner or for their limits: their drop is final, not a reconnection. */
    private readonly expelled = new Set<string>();

    private notice(client: Client, payload: NoticePayload) {
      client.send(NoticeMessage.Notice, payload);
    }

    private isMuted(seat: Seat): boolean {
      if (seat.mutedUntil === 0) return false;
      if (seat.mutedUntil !== Infinity && Date.now() >= seat.mutedUntil) {
        seat.mutedUntil = 0;
        return false;
      }
      return true;
    }

    /**
     * Counts an action that makes an agent think (it may cost an LLM call) against the person's
     * per-minute allowance. False (and an error sent) when over it.
     */
    private allowLlmAction(client: Client, type: string): boolean {
      const seat = this.seats.get(client.sessionId);
      if (!seat) return false;
      const verdict = this.llmActions.take(seat.inviteId ?? client.sessionId, performance.now());
      if (verdict.ok) return true;
      const strike = seat.limiter.strike(performance.now(), verdict.message);
      this.overLimit(client, type, verdict.message, strike.disconnect);
      return false;
    }

    private reject(client: Client, error: ErrorPayload) {
      client.send(ServerMessage.Error, error);
      log.debug({ workspace: this.workspace, session: client.sessionId, ...error }, "message rejected");
    }

    /** Checks the join token (or open mode) before the seat is given; refuses with a sentence. */
    override async onAuth(_client: Client, rawOptions: unknown): Promise<Identity> {
      if (deps.isDraining?.()) throw new Error("cannot join: the server is shutting down; try again in a moment");
      const parsed = joinOptionsSchema.safeParse(rawOptions ?? {});
      if (!parsed.success) throw new Error(`cannot join: ${describeIssues(parsed.error).join("; ")}`);
      try {
        return await auth.identify(parsed.data.token, parsed.data.role);
      } catch (err) {
        if (err instanceof AuthError) {
          store.audit({ workspace: this.workspace, actor: "anonymous", kind: "join-refused", data: { reason: err.reason, role: parsed.data.role ?? null } });
          throw new Error(`cannot join: ${err.message}`);
        }
        throw err;
      }
    }

    override onJoin(client: Client, rawOptions: unknown) {
      const parsed = joinOptionsSchema.safeParse(rawOptions ?? {});
      if (!parsed.success) throw new Error(`cannot join: ${describeIssues(parsed.error).join("; ")}`);
      const options = parsed.data;
      const identity = client.auth as Identity;
      this.seats.set(client.sessionId, { role: identity.role, name: options.name, inviteId: identity.inviteId, mutedUntil: 0, limiter: new ClientLimiter(limits, performance.now()) });

      if (identity.role === "spectator") {
        // Spectators watch: no avatar, but the same world, questions and feed as everyone.
        this.sendWelcome(client);
        store.audit({ workspace: this.workspace, actor: client.sessionId, kind: "join", data: { name: options.name, role: identity.role, via: identity.via } });
        log.info({ workspace: this.workspace, session: client.sessionId, role: identity.role }, "spectator joined");
        return;
      }

      const person = new Person();
      person.id = client.sessionId;
      person.name = options.name;
      person.mode = options.mode;
      person.colour = colourFor(client.sessionId);
      person.connected = true;
      // Schema fields start undefined; other clients blend these, so they must be numbers from the start.
      person.yaw = 0;
      person.pitch = 0;
      const resume = options.resume;
      if (resume && insideCampus(resume, world.campusRadius)) {
        person.x = resume.x;
        person.z = resume.z;
      } else {
        const angle = Math.random() * Math.PI * 2;
        const r = Math.random() * world.spawn.spread;
        person.x = world.spawn.position[0] + Math.cos(angle) * r;
        person.z = world.spawn.position[1] + Math.sin(angle) * r;
      }
      this.state.people.set(client.sessionId, person);
      this.lastMoveAt.set(client.sessionId, performance.now());

      this.sendWelcome(client);
      store.audit({ workspace: this.workspace, actor: client.sessionId, kind: "join", data: { name: person.name, mode: person.mode, role: identity.role, via: identity.via } });
      this.kickOff();
      log.info({ workspace: this.workspace, session: client.sessionId, name: person.name, role: identity.role }, "person joined");
    }

    /** What every newcomer gets besides the state: the campus, open questions, the recent feed. */
    private sendWelcome(client: Client) {
      client.send(ServerMessage.World, world);
      for (const q of this.runtime.tools.openQuestions()) client.send(ServerMessage.Question, q);
      client.send(WorkServerMessage.ActivityBacklog, this.work.backlog());
    }

    override async onDrop(client: Client) {
      // Colyseus also calls onDrop for a join that onJoin refused: there is no place to hold.
      // Nor for someone the owner removed, or who kept breaking the limits: they are gone.
      if (!this.seats.has(client.sessionId) || this.expelled.has(client.sessionId)) return;
      const person = this.state.people.get(client.sessionId);
      if (person) person.connected = false;
      log.info({ workspace: this.workspace, session: client.sessionId }, "person dropped; holding their place");
      await this.allowReconnection(client, deps.reconnectGraceS ?? RECONNECT_GRACE_S);
    }

    override onReconnect(client: Client) {
      const person = this.state.people.get(client.sessionId);
      if (person) person.connected = true;
      this.lastMoveAt.set(client.sessionId, performance.now());
      client.send(ServerMessage.World, world);
      client.send(WorkServerMessage.ActivityBacklog, this.work.backlog());
      store.audit({ workspace: this.workspace, actor: client.sessionId, kind: "reconnect" });
      log.info({ workspace: this.workspace, session: client.sessionId }, "person reconnected");
    }

    override onLeave(client: Client, code?: number) {
      const seat = this.seats.get(client.sessionId);
      this.seats.delete(client.sessionId);
      this.expelled.delete(client.sessionId);
      const person = this.state.people.get(client.sessionId);
      if (!person) {
        // A spectator leaving, or a refused join (it never joined, so it does not leave).
        if (seat) store.audit({ workspace: this.workspace, actor: client.sessionId, kind: "leave", data: { name: seat.name, role: seat.role, code: code ?? null } });
        return;
      }
      this.state.people.delete(client.sessionId);
      this.lastMoveAt.delete(client.sessionId);
      this.voice?.leave(client.sessionId);
      store.audit({ workspace: this.workspace, actor: client.sessionId, kind: "leave", data: { name: person.name, code: code ?? null } });
      log.info({ workspace: this.workspace, session: client.sessionId, code }, "person left");
    }

    private onMove(client: Client, move: MovePayload) {
      const person = this.state.people.get(client.sessionId);
      if (!person) return;
      const now = performance.now();
      const dt = (now - (this.lastMoveAt.get(client.sessionId) ?? now)) / 1000;
      const verdict = checkMove(person, move, dt, world.campusRadius, mayTeleport(person, move, now));
      if (!verdict.ok) {
        this.reject(client, { code: verdict.code, rejected: "move", message: verdict.message, correction: { x: person.x, z: person.z } });
        return;
      }
      this.lastMoveAt.set(client.sessionId, now);
      person.x = move.x;
      person.z = move.z;
      person.yaw = move.yaw;
      person.pitch = move.pitch;
      applyBody(person, move);
    }

    /**
     * With the offline planner, the first arrival in a workspace with no open work asks the
     * coordinator for a starter task, so the campus is alive with zero configuration.
     */
    private kickOff() {
      if (this.kickedOff || brain.kind !== "offline") return;
      this.kickedOff = true;
      const open = store.work.listTasks(this.workspace, { status: ["todo", "doing", "review"] });
      if (open.length > 0) return;
      const coordinator = roster.agents.find((a) => a.tools.includes("create_task"));
      if (!coordinator) return;
      this.runtime.deliver(coordinator.id, {
        kind: "message",
        from: { id: "system", name: "Atrium", kind: "system" },
        text: "Prepare this week's team brief. Gather what each district did and what is next.",
      });
    }

    private onTalk(client: Client, { agentId, text }: TalkPayload) {
      const person = this.state.people.get(client.sessionId);
      const seat = this.seats.get(client.sessionId);
      if (!person || !seat) return;
      if (!this.runtime.agents.has(agentId)) {
        this.reject(client, { code: "unknown_agent", rejected: "talk", message: `there is no agent "${agentId}" here` });
        return;
      }
      if (this.isMuted(seat)) {
        this.reject(client, { code: "muted", rejected: "talk", message: "the owner has muted you: you cannot talk to agents for now" });
        return;
      }
      if (!this.allowLlmAction(client, "talk")) return;
      const from = { id: client.sessionId, name: person.name, kind: "person" as const };
      this.talk.push({
        message: { workspace: this.workspace, fromId: client.sessionId, fromKind: "person", toId: agentId, text },
        deliver: () => this.runtime.deliver(agentId, { kind: "message", from, text }),
        refuse: (message) => this.reject(client, { code: "not_saved", rejected: "talk", message }),
      });
    }

    /** A spoken utterance, transcribed: the same path as a typed talk. Null when it went, else why not. */
    private talkAs(sessionId: string, agentId: string, text: string): string | null {
      const client = this.clients.getById(sessionId);
      if (!client) return "you are no longer in the workspace";
      if (!this.runtime.agents.has(agentId)) return `there is no agent "${agentId}" here`;
      this.onTalk(client, { agentId, text });
      return null;
    }

    private onAnswer(client: Client, { requestId, choice, comment }: AnswerPayload) {
      const person = this.state.people.get(client.sessionId);
      if (!person) return;
      if (!this.allowLlmAction(client, "answer")) return;
      const error = this.runtime.tools.answer(requestId, choice, comment ?? "", person.name);
      if (error) this.reject(client, { code: "unknown_question", rejected: "answer", message: error });
    }

    private onTaskCreate(client: Client, payload: TaskCreatePayload) {
      const person = this.state.people.get(client.sessionId);
      if (!person) return;
      if (payload.assignee?.kind === "agent" && !this.allowLlmAction(client, "task-create")) return;
      this.refuseIf(client, "task-create", this.taskIntents.create({ sessionId: client.sessionId, name: person.name }, payload));
    }

    private onTaskUpdate(client: Client, payload: TaskUpdatePayload) {
      const person = this.state.people.get(client.sessionId);
      if (!person) return;
      if (payload.assignee?.kind === "agent" && !this.allowLlmAction(client, "task-update")) return;
      this.refuseIf(client, "task-update", this.taskIntents.update({ sessionId: client.sessionId, name: person.name }, payload));
    }

    private refuseIf(client: Client, rejected: string, refusal: Refusal | null) {
      if (refusal) this.reject(client, { ...refusal, rejected });
    }

    private onRename(client: Client, { name }: RenamePayload) {
      const person = this.state.people.get(client.sessionId);
      if (!person || person.name === name) return;
      store.audit({ workspace: this.workspace, actor: client.sessionId, kind: "rename", data: { from: person.name, to: name } });
      person.name = name;
    }

    // ---- Moderation (owner only: server/src/auth/policy.ts). Each is audited and announced. ----

    private moderated(client: Client, action: string, target: string, message: string, data: Record<string, unknown> = {}) {
      store.audit({ workspace: this.workspace, actor: client.sessionId, kind: `moderation-${action}`, data: { target, ...data } });
      log.info({ workspace: this.workspace, session: client.sessionId, action, target }, "moderation");
      this.broadcast(NoticeMessage.Notice, { kind: "moderation", action, target, message } satisfies NoticePayload);
    }

    /** The seat (and its client) of a person the owner names, or null after telling the owner there is none. */
    private targetPerson(client: Client, type: string, personId: string): { seat: Seat; target: Client | undefined } | null {
      const seat = this.seats.get(personId);
      if (!seat) {
        this.reject(client, { code: "unknown_person", rejected: type, message: `there is no person "${personId}" here` });
        return null;
      }
      if (personId === client.sessionId) {
        this.reject(client, { code: "not_allowed", rejected: type, message: "you cannot do that to yourself" });
        return null;
      }
      return { seat, target: this.clients.getById(personId) };
    }

    private onMute(client: Client, { personId, minutes }: MutePayload) {
      const found = this.targetPerson(client, "mute", personId);
      if (!found) return;
      found.seat.mutedUntil = minutes === undefined ? Infinity : Date.now() + minutes * 60_000;
      const span = minutes === undefined ? "until unmuted" : `for ${minutes} min`;
      if (found.target) this.notice(found.target, { kind: "muted", message: `The owner muted you ${span}: you cannot talk to agents.` });
      this.moderated(client, "mute", personId, `${found.seat.name} was muted ${span}.`, { minutes: minutes ?? null });
    }

    private onUnmute(client: Client, { personId }: { personId: string }) {
      const found = this.targetPerson(client, "unmute", personId);
      if (!found) return;
      found.seat.mutedUntil = 0;
      if (found.target) this.notice(found.target, { kind: "unmuted", message: "The owner unmuted you." });
      this.moderated(client, "unmute", personId, `${found.seat.name} may talk again.`);
    }

    private onKick(client: Client, { personId, reason, revoke }: KickPayload) {
      const found = this.targetPerson(client, "kick", personId);
      if (!found) return;
      let revoked: string | null = null;
      if (revoke && found.seat.inviteId) {
        auth.revoke(found.seat.inviteId, this.seats.get(client.sessionId)?.inviteId ?? client.sessionId);
        revoked = found.seat.inviteId;
      }
      this.moderated(client, "kick", personId, `${found.seat.name} was removed by the owner.`, { reason: reason ?? null, revokedInvite: revoked });
      if (found.target) {
        this.notice(found.target, { kind: "kicked", message: `The owner removed you from the workspace${reason ? `: ${reason}` : "."}` });
        this.removeNow(found.target, CLOSE_KICKED);
      } else {
        // Dropped and waiting to reconnect: free the seat now.
        this.expelled.add(personId);
        this.seats.delete(personId);
        this.state.people.delete(personId);
      }
    }

    /** An owner's agent moderation: refused to the owner, or audited and announced. */
    private onAgentModeration(client: Client, action: "agent-pause" | "agent-resume" | "agent-budget", agentId: string, outcome: Moderated | Refusal) {
      if ("code" in outcome) this.reject(client, { code: outcome.code, rejected: action, message: outcome.message });
      else this.moderated(client, action, agentId, outcome.message, outcome.data);
    }

    /**
     * Shutdown: saves people's words that wait in the inbox and stops every agent (a streaming
     * LLM call is aborted; the broker records it). The room stays until the server closes it.
     */
    stopWork() {
      this.talk.flush();
      this.runtime.dispose();
      this.voice?.dispose();
    }

    /** Tells everyone the server is going away (graceful shutdown), before the connections close. */
    announceShutdown() {
      this.broadcast(NoticeMessage.Notice, { kind: "shutdown", message: "The server is restarting. You will be reconnected when it is back." } satisfies NoticePayload);
    }

    override broadcastPatch(): boolean {
      const started = performance.now();
      const changed = super.broadcastPatch();
      this.ticks.record(this.workSinceLastPatch + (performance.now() - started));
      this.workSinceLastPatch = 0;
      return changed;
    }

    override onDispose() {
      rooms.delete(this);
      this.talk?.flush(); // absent when onCreate refused the room
      this.work?.dispose();
      this.voice?.dispose();
      this.runtime?.dispose(); // absent when onCreate refused the room
      log.info({ workspace: this.workspace }, "workspace room disposed");
    }
  };
}

export type WorkspaceRoom = InstanceType<ReturnType<typeof defineWorkspaceRoom>>;
