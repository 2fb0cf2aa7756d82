import { Socket } from "node:net";
import type { Client } from "@colyseus/core";

/**
 * About how many clients' sockets one patch writes. In a bigger room each client's socket is
 * written every few patches instead, `ceil(clients / FLUSHES_PER_PATCH)`, its messages of those
 * patches in one write (a system call costs about the same whatever it carries).
 */
export const FLUSHES_PER_PATCH = 50; // default 50

/** ws.WebSocket's readyState for an open connection. */
const OPEN = 1;

interface Held {
  client: Client;
  socket: Socket;
  /** Its place in the batch (renumbered after each flush, so the turns stay even as clients come and go): written after the patches where `turn % every` comes up. */
  turn: number;
}

/** The TCP socket under a client of Colyseus' ws transport (ws keeps it in `_socket`), or null. */
function socketOf(client: Client): Socket | null {
  const socket = (client.ref as { _socket?: unknown } | undefined)?._socket;
  return socket instanceof Socket ? socket : null;
}

/**
 * Batches what a room sends to each client into one write per client per flush. Every message
 * to a client (its state patches, its pose messages, broadcasts, replies) goes through its ws
 * socket, which is kept corked, so the message only joins the socket's buffer; after each patch
 * `flush()` uncorks the sockets whose turn it is, and each writes everything it holds with one
 * system call. With FLUSHES_PER_PATCH clients or fewer every socket is written after every patch,
 * so nothing waits longer than one patch interval (a state patch and the pose message after it
 * leave together); with more, the clients take turns, each written every `every` patches, and a
 * patch writes about FLUSHES_PER_PATCH of them. The messages and their order are unchanged.
 *
 * A socket is let go of (uncorked for good) at the first flush after its connection started
 * closing, so a close frame waits at most one patch interval (patches go on while a room
 * disconnects its clients); when the room releases it (onLeave; a reconnection replaces it); and
 * when the room is disposed. A client of another transport (no ws socket) is not held: its
 * messages go out as they are sent.
 */
export class SendBatch {
  private readonly held = new Map<string, Held>();
  /** The patch being sent (counts flushes), and the rotation's length for it. */
  private patch = 0;
  private rotation = 1;
  /** Sockets written by flush() (for tests and the bench). */
  flushes = 0;

  constructor(private readonly perPatch = FLUSHES_PER_PATCH) {}

  /** Patches between two writes of one client's socket now. */
  get every(): number {
    return this.rotation;
  }

  /** Whether `sessionId`'s socket is written after this patch (a client not held is written at once, always). */
  due(sessionId: string): boolean {
    const held = this.held.get(sessionId);
    return held === undefined || this.isTurn(held);
  }

  private isTurn(held: Held): boolean {
    return held.turn % this.rotation === this.patch % this.rotation;
  }

  /** Holds `client`'s messages until its turn (a reconnected client: its new socket). */
  hold(client: Client): void {
    this.release(client.sessionId);
    const socket = socketOf(client);
    if (!socket || socket.destroyed || !socket.writable) return;
    socket.cork();
    this.held.set(client.sessionId, { client, socket, turn: this.held.size });
  }

  /** Writes out and stops holding `sessionId`'s socket. */
  release(sessionId: string): void {
    const held = this.held.get(sessionId);
    if (!held) return;
    this.held.delete(sessionId);
    while (held.socket.writableCorked > 0) held.socket.uncork();
  }

  /** After a patch: writes the sockets whose turn it is (due()), each in one go, lets go of closing ones, and moves on to the next patch. */
  flush(): void {
    let turn = 0;
    for (const [sessionId, held] of this.held) {
      if ((held.client as { readyState?: number }).readyState !== OPEN) {
        this.release(sessionId);
        continue;
      }
      if (this.isTurn(held)) {
        held.socket.uncork();
        held.socket.cork();
        this.flushes++;
      }
      held.turn = turn++; // the next patch's turns: even again after clients came and went
    }
    this.patch++;
    this.rotation = Math.max(1, Math.ceil(this.held.size / this.perPatch));
  }

  /** Lets go of every socket (the room is closing). */
  releaseAll(): void {
    for (const sessionId of [...this.held.keys()]) this.release(sessionId);
  }
}
