import { Room, type Client } from "@colyseus/core";
import type { z } from "zod";
import { DEFAULT_WORKSPACE, PATCH_INTERVAL_MS, RECONNECT_GRACE_S } from "../../../shared/constants";
import type { Roster } from "../../../shared/agents";
import { ServerMessage } from "../../../shared/protocol/messages";
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
import { WorkspaceState } from "../../../shared/state";
import type { World } from "../../../shared/world";
import { AgentRuntime } from "../agents/runtime";
import { AgentRecorder } from "../replay/recorder";
import type { Brain } from "../agents/types";
import type { Logger } from "../logger";
import type { AuthService, Identity } from "../auth/auth";
import { limitsWith, type Limits } from "../auth/limits";
import type { BudgetLedger } from "../llm/budget-ledger";
import { NoticeMessage, type NoticePayload } from "../../../shared/protocol/moderation-messages";
import type { Store } from "../store/store";
import { describeIssues } from "../world/load-world";
import { MoveJudge } from "./movement";
import { Interest } from "./interest";
import { SendBatch } from "./send-batch";
import { ClientGate, type Seat } from "./client-gate";
import { PersonModeration } from "./person-moderation";
import { newPerson } from "./people";
import { resumeAgentTasks, startDemoWork, TaskIntents, type Refusal, type Sender } from "./task-intents";
import { WorkMirror } from "./work-mirror";
import { AgentModeration, type Moderated } from "./agent-moderation";
import { TalkInbox } from "./talk-inbox";
import { ClientQueue } from "./client-queue";
import { auditLater } from "../audit-later";
import { RoomTicks } from "./tick-stats";
import { SpectatorStream } from "./spectator-stream";
import { RoomVoice, VoiceHub } from "../voice";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";
import type { RoomDeps } from "./room-deps";

/** How often agents are stepped: walking, watchdog (ms). */
export const AGENT_TICK_MS = 50;

export type { RoomDeps } from "./room-deps";

type Handler<S extends z.ZodType> = (client: Client, payload: z.output<S>) => void;
type QueuedHandler<S extends z.ZodType> = (client: Client, payload: z.output<S>) => Promise<void>;

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
    /** The room's tick and the process's busy time per patch interval, for /metrics and the bench. */
    readonly ticks = new RoomTicks();
    /** Spares spectators what a wall screen does not use; pushes them the charts' LLM figures. */
    readonly spectators = new SpectatorStream(this, store, roster, log);
    private readonly moves = new MoveJudge(world.campusRadius);
    /** Interest management and the pose stream: who gets whose full pose, and everyone's coarse pose. */
    interest!: Interest;
    /** What the room sends each client, written out in one go per client after a patch. */
    readonly sends = new SendBatch(deps.flushesPerPatch);
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
    /** Seats, limits, mutes and refusals: every client message passes through it. */
    private gate!: ClientGate;
    private people!: PersonModeration;
    /** Messages that wait for the database, in order per client (client-queue.ts). */
    private queue!: ClientQueue;

    /** Role and name of every client, spectators included (spectators have no Person). */
    get seats(): ReadonlyMap<string, Seat> {
      return this.gate.seats;
    }

    override async onCreate(options: { workspace?: unknown }) {
      // Refuse a bad workspace id here, before a room exists for it; onJoin checks the rest.
      const workspace = workspaceIdSchema.optional().safeParse(options.workspace);
      if (!workspace.success) throw new Error(`cannot join: workspace: ${workspace.error.issues.map((i) => i.message).join("; ")}`);
      this.workspace = workspace.data ?? DEFAULT_WORKSPACE;
      this.state = new WorkspaceState();
      this.state.workspace = this.workspace;
      this.interest = new Interest(this.state, this.sends, deps.roomMovesPerS);
      this.gate = new ClientGate({ workspace: this.workspace, limits, store, log });
      this.queue = new ClientQueue((sessionId, type, err) => {
        log.error({ err, workspace: this.workspace, session: sessionId, type }, "a message could not be carried out");
        const client = this.clients.getById(sessionId);
        if (client) this.gate.reject(client, { code: "not_saved", rejected: type, message: "that could not be saved; nothing changed, please try again" });
      });
      this.runtime = new AgentRuntime({
        workspace: this.workspace,
        world,
        roster,
        store,
        log,
        state: this.state,
        brain,
        roomWorkMs: () => this.ticks.workMs,
        broadcast: (type, payload) => {
          this.spectators.broadcast(type, payload);
          if (type === AgentServerMessage.Speech) this.voice?.onSpeech(payload as SpeechPayload);
        },
      });
      const recorder = new AgentRecorder({ store, workspace: this.workspace, agents: this.state.agents, log }); // poses and states for the replay
      this.setSimulationInterval(
        (dtMs) =>
          this.ticks.time(() => {
            this.runtime.tick(Math.min(dtMs, 250) / 1000);
            recorder.sample();
          }),
        AGENT_TICK_MS,
      );
      this.handle("move", this.onMove);
      this.handle("rename", this.onRename);
      // A burst of talk is saved just after the next patch: its reading and its commit fall in different intervals.
      this.talk = new TalkInbox(store, log, (flush) => this.ticks.afterNextPatch(flush));
      this.handle("talk", this.onTalk);
      this.handle("answer", this.onAnswer);
      this.handleQueued("task-create", this.onTaskCreate);
      this.handleQueued("task-update", this.onTaskUpdate);
      // The boards and the feed rebuild from the database; agents get back the work they had under way.
      this.work = new WorkMirror({ workspace: this.workspace, world, roster, store, state: this.state, log, broadcast: (type, payload) => this.broadcast(type, payload) });
      await this.work.start();
      this.taskIntents = new TaskIntents({ workspace: this.workspace, world, store, runtime: this.runtime });
      await resumeAgentTasks({ workspace: this.workspace, store, runtime: this.runtime });
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
        audit: (actor, kind, data) => auditLater(store, { workspace: this.workspace, actor, kind, data }, log),
      });
      this.handle("voice-hello", (client, { listen }) => this.voice.hello(client, listen));
      this.handle("voice-prefs", (client, { listen }) => this.voice.prefs(client, listen));
      this.handle("voice-barge-in", (client, payload) => this.voice.bargeIn(client, payload));
      this.onMessage("*", (client, type) => this.gate.refuseUnhandled(client, String(type)));
      this.people = new PersonModeration({
        workspace: this.workspace,
        gate: this.gate,
        auth,
        store,
        log,
        state: this.state,
        client: (id) => this.clients.getById(id),
        broadcast: (type, payload) => this.broadcast(type, payload),
      });
      this.handle("mute", (client, payload) => this.people.mute(client, payload));
      this.handle("unmute", (client, payload) => this.people.unmute(client, payload));
      this.handleQueued("kick", (client, payload) => this.people.kick(client, payload));
      this.agentModeration = new AgentModeration({ workspace: this.workspace, runtime: this.runtime, store, ledger: deps.ledger ?? null });
      this.handle("agent-pause", (client, { agentId }) => this.onAgentModeration(client, "agent-pause", agentId, this.agentModeration.pause(agentId)));
      this.handle("agent-resume", (client, { agentId }) => this.onAgentModeration(client, "agent-resume", agentId, this.agentModeration.resume(agentId)));
      this.handleQueued("agent-budget", async (client, { agentId, usd }) => this.onAgentModeration(client, "agent-budget", agentId, await this.agentModeration.setBudget(agentId, usd)));
      await this.agentModeration.loadBudgets();
      rooms.add(this);
      await deps.onCreated?.(this);
      log.info({ workspace: this.workspace, roomId: this.roomId }, "workspace room created");
    }

    /**
     * Registers a handler behind the gate (ClientGate.pass: limits, policy, mute, schema). A
     * refusal changes nothing and answers one "error". Register every client message through
     * here, never with onMessage directly.
     */
    private handle<K extends keyof typeof clientMessageSchemas>(type: K, handler: Handler<(typeof clientMessageSchemas)[K]>) {
      const schema = clientMessageSchemas[type];
      this.onMessage(type, (client, raw: unknown) => {
        const started = performance.now();
        try {
          const passed = this.gate.pass(client, type, raw, schema);
          if (passed) (handler as Handler<z.ZodType>).call(this, client, passed.value);
        } finally {
          this.ticks.add(performance.now() - started);
        }
      });
    }

    /** Like handle, for a message that waits for the database: its handler runs after the client's earlier ones (ClientQueue). */
    private handleQueued<K extends keyof typeof clientMessageSchemas>(type: K, handler: QueuedHandler<(typeof clientMessageSchemas)[K]>) {
      this.handle(type, (client, payload) => this.queue.run(client.sessionId, type, () => (handler as QueuedHandler<z.ZodType>).call(this, client, payload)));
    }

    /** Checks the join token (or open mode) before the seat is given; refuses with a sentence. */
    override onAuth(_client: Client, rawOptions: unknown): Promise<Identity> {
      return this.gate.identify(rawOptions, auth, deps.isDraining?.() ?? false);
    }

    override onJoin(client: Client, rawOptions: unknown) {
      const parsed = joinOptionsSchema.safeParse(rawOptions ?? {});
      if (!parsed.success) throw new Error(`cannot join: ${describeIssues(parsed.error).join("; ")}`);
      const options = parsed.data;
      const identity = client.auth as Identity;
      this.gate.seat(client, identity, options.name);
      this.sends.hold(client);

      if (identity.role === "spectator") {
        // Spectators watch: no avatar, the same world and feed as everyone, coarse poses, no questions (spectator-stream.ts).
        this.sendWelcome(client);
        this.interest.watchSpectator(client);
        auditLater(store, { workspace: this.workspace, actor: client.sessionId, kind: "join", data: { name: options.name, role: identity.role, via: identity.via } }, log);
        log.info({ workspace: this.workspace, session: client.sessionId, role: identity.role }, "spectator joined");
        return;
      }

      const person = newPerson(client.sessionId, options, world, this.state.people.values());
      this.state.people.set(client.sessionId, person);
      this.moves.start(client.sessionId);
      this.interest.watch(client, person);

      this.sendWelcome(client);
      auditLater(store, { workspace: this.workspace, actor: client.sessionId, kind: "join", data: { name: person.name, mode: person.mode, role: identity.role, via: identity.via } }, log);
      if (!this.kickedOff && brain.kind === "offline") {
        this.kickedOff = true;
        startDemoWork({ workspace: this.workspace, store, runtime: this.runtime, roster }).catch((err: unknown) => log.error({ err, workspace: this.workspace }, "could not start the demo work"));
      }
      log.info({ workspace: this.workspace, session: client.sessionId, name: person.name, role: identity.role }, "person joined");
    }

    /** What every newcomer (and reconnected client) gets besides the state: the campus, open questions, the recent feed. */
    private sendWelcome(client: Client) {
      client.send(ServerMessage.World, world);
      if (this.spectators.wants(client, ServerMessage.Question)) for (const q of this.runtime.tools.openQuestions()) client.send(ServerMessage.Question, q);
      client.send(WorkServerMessage.ActivityBacklog, this.work.backlog());
    }

    override async onDrop(client: Client) {
      // Colyseus also calls onDrop for a join that onJoin refused: there is no place to hold.
      // Nor for someone the owner removed, or who kept breaking the limits: they are gone.
      if (!this.gate.seats.has(client.sessionId) || this.gate.isExpelled(client.sessionId)) return;
      const person = this.state.people.get(client.sessionId);
      if (person) person.connected = false;
      log.info({ workspace: this.workspace, session: client.sessionId }, "person dropped; holding their place");
      await this.allowReconnection(client, deps.reconnectGraceS ?? RECONNECT_GRACE_S);
    }

    override onReconnect(client: Client) {
      const person = this.state.people.get(client.sessionId);
      if (person) person.connected = true;
      this.moves.start(client.sessionId);
      this.interest.rewatch(client);
      this.sends.hold(client);
      this.sendWelcome(client); // what it may have missed while away
      auditLater(store, { workspace: this.workspace, actor: client.sessionId, kind: "reconnect" }, log);
      log.info({ workspace: this.workspace, session: client.sessionId }, "person reconnected");
    }

    override onLeave(client: Client, code?: number) {
      const seat = this.gate.unseat(client.sessionId);
      this.interest.unwatch(client.sessionId);
      this.sends.release(client.sessionId);
      const person = this.state.people.get(client.sessionId);
      if (!person) {
        // A spectator leaving, or a refused join (it never joined, so it does not leave).
        if (seat) auditLater(store, { workspace: this.workspace, actor: client.sessionId, kind: "leave", data: { name: seat.name, role: seat.role, code: code ?? null } }, log);
        return;
      }
      this.state.people.delete(client.sessionId);
      this.moves.forget(client.sessionId);
      this.voice?.leave(client.sessionId);
      auditLater(store, { workspace: this.workspace, actor: client.sessionId, kind: "leave", data: { name: person.name, code: code ?? null } }, log);
      log.info({ workspace: this.workspace, session: client.sessionId, code }, "person left");
    }

    private onMove(client: Client, move: MovePayload) {
      const refusal = this.moves.apply(client.sessionId, this.state.people.get(client.sessionId), move);
      if (refusal) this.gate.reject(client, refusal);
    }

    private onTalk(client: Client, { agentId, text }: TalkPayload) {
      const person = this.state.people.get(client.sessionId);
      const seat = this.gate.seats.get(client.sessionId);
      if (!person || !seat) return;
      if (!this.runtime.agents.has(agentId)) {
        this.gate.reject(client, { code: "unknown_agent", rejected: "talk", message: `there is no agent "${agentId}" here` });
        return;
      }
      if (this.gate.isMuted(seat)) {
        this.gate.reject(client, { code: "muted", rejected: "talk", message: "the owner has muted you: you cannot talk to agents for now" });
        return;
      }
      if (!this.gate.allowLlmAction(client, "talk")) return;
      const from = { id: client.sessionId, name: person.name, kind: "person" as const };
      this.talk.push({
        message: { workspace: this.workspace, fromId: client.sessionId, fromKind: "person", toId: agentId, text },
        deliver: () => this.runtime.deliver(agentId, { kind: "message", from, text }),
        refuse: (message) => this.gate.reject(client, { code: "not_saved", rejected: "talk", message }),
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
      if (!this.gate.allowLlmAction(client, "answer")) return;
      const error = this.runtime.tools.answer(requestId, choice, comment ?? "", person.name);
      if (error) this.gate.reject(client, { code: "unknown_question", rejected: "answer", message: error });
    }

    private onTaskCreate(client: Client, payload: TaskCreatePayload) {
      return this.onTaskIntent(client, "task-create", payload.assignee?.kind === "agent", (by) => this.taskIntents.create(by, payload));
    }

    private onTaskUpdate(client: Client, payload: TaskUpdatePayload) {
      return this.onTaskIntent(client, "task-update", payload.assignee?.kind === "agent", (by) => this.taskIntents.update(by, payload));
    }

    /** A person's task message; one that gives work to an agent counts as an action that makes it think. */
    private async onTaskIntent(client: Client, type: string, toAgent: boolean, act: (by: Sender) => Promise<Refusal | null>) {
      const person = this.state.people.get(client.sessionId);
      if (!person) return;
      if (toAgent && !this.gate.allowLlmAction(client, type)) return;
      const refusal = await act({ sessionId: client.sessionId, name: person.name });
      if (refusal) this.gate.reject(client, { ...refusal, rejected: type });
    }

    private onRename(client: Client, { name }: RenamePayload) {
      const person = this.state.people.get(client.sessionId);
      if (!person || person.name === name) return;
      auditLater(store, { workspace: this.workspace, actor: client.sessionId, kind: "rename", data: { from: person.name, to: name } }, log);
      person.name = name;
    }

    /** An owner's agent moderation: refused to the owner, or audited and announced. */
    private onAgentModeration(client: Client, action: "agent-pause" | "agent-resume" | "agent-budget", agentId: string, outcome: Moderated | Refusal) {
      if ("code" in outcome) this.gate.reject(client, { code: outcome.code, rejected: action, message: outcome.message });
      else this.people.announce(client, action, agentId, outcome.message, outcome.data);
    }

    /**
     * Shutdown: saves people's words that wait in the inbox and stops every agent (a streaming
     * LLM call is aborted; the broker records it). The room stays until the server closes it.
     */
    async stopWork() {
      const saved = this.talk.flush();
      this.runtime.dispose();
      this.voice?.dispose();
      await Promise.all([saved, this.queue.idle()]);
    }

    /** Tells everyone the server is going away (graceful shutdown), before the connections close. */
    announceShutdown() {
      this.broadcast(NoticeMessage.Notice, { kind: "shutdown", message: "The server is restarting. You will be reconnected when it is back." } satisfies NoticePayload);
    }

    override broadcastPatch(): boolean {
      return this.ticks.patch(() => this.interest.around(() => super.broadcastPatch()));
    }

    override onDispose() {
      rooms.delete(this);
      this.sends.releaseAll();
      void this.talk?.flush(); // absent when onCreate refused the room; never rejects
      this.work?.dispose();
      this.voice?.dispose();
      this.runtime?.dispose(); // absent when onCreate refused the room
      log.info({ workspace: this.workspace }, "workspace room disposed");
    }
  };
}

export type WorkspaceRoom = InstanceType<ReturnType<typeof defineWorkspaceRoom>>;
