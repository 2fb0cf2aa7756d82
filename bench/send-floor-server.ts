/**
 * The child of bench/send-floor.ts: a bare `ws` server (no Colyseus, no Atrium) on the server's
 * core that, when told, sends one `bytes`-long binary frame to every connection every
 * `intervalMs`, `rounds` times, and reports its own CPU time and send-loop time over IPC.
 */
import { WebSocketServer } from "ws";

interface Go {
  rounds: number;
  intervalMs: number;
  bytes: number;
}

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
wss.on("listening", () => {
  const address = wss.address();
  process.send?.({ kind: "listening", port: typeof address === "object" && address !== null ? address.port : 0 });
});

process.on("message", (message: Go) => {
  const frame = Buffer.alloc(message.bytes, 7);
  const connections = [...wss.clients];
  let round = 0;
  let sendMs = 0;
  const cpuBefore = process.cpuUsage();
  const timer = setInterval(() => {
    const started = performance.now();
    for (const ws of connections) ws.send(frame);
    sendMs += performance.now() - started;
    if (++round < message.rounds) return;
    clearInterval(timer);
    const cpu = process.cpuUsage(cpuBefore);
    process.send?.({ kind: "done", sends: round * connections.length, sendMs, cpuMs: (cpu.user + cpu.system) / 1000 }, () => process.exit(0));
  }, message.intervalMs);
});
