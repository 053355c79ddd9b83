/**
 * The crowd of the overload test, in a process of its own so that reading what the server sends
 * them does not hold up the test's own clients: `load_child.ts <wsUrl> <clients> <rate> <chars>`.
 * Each client joins the room `crowd` and, once the parent says `go`, says `rate` messages a
 * second of `chars` characters, within every limit a client has; it reads everything and
 * answers pings (ws does both). On `stop` it reports what its clients sent, got and were told.
 */
import WebSocket from 'ws';

/** What the crowd reports when it stops. */
export interface CrowdReport {
  readonly sent: number;
  /** Frames the clients got, and how many of them were RATE_LIMITED errors. */
  readonly received: number;
  readonly rateLimited: number;
  /** The close codes of the clients the server closed, with how many closed with each. */
  readonly closes: Record<string, number>;
  /** The first frame each closed client got last (why it was closed), a few of them. */
  readonly lastFrames: string[];
  /** When the first client was closed, in ms after `go` (-1: none was). */
  readonly firstCloseMs: number;
}

const [url, clientCount, rate, chars] = process.argv.slice(2) as [string, string, string, string];
const text = 'x'.repeat(Number(chars));
const report = { sent: 0, received: 0, rateLimited: 0, closes: {} as Record<string, number> };
const lastFrames: string[] = [];
const timers: NodeJS.Timeout[] = [];
let stopping = false;
let goAt = 0;
let firstCloseMs = -1;

function crowdMember(i: number): Promise<WebSocket> {
  const socket = new WebSocket(url);
  let last = '';
  socket.on('message', (data: Buffer) => {
    report.received++;
    // Only a short frame can be an error; the long ones are the crowd's messages.
    if (data.length < 300) {
      last = String(data);
      if (last.includes('"RATE_LIMITED"')) report.rateLimited++;
    }
  });
  socket.on('close', (code) => {
    if (stopping) return;
    report.closes[code] = (report.closes[code] ?? 0) + 1;
    if (firstCloseMs < 0) firstCloseMs = Math.round(performance.now() - goAt);
    if (lastFrames.length < 5) lastFrames.push(last);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => {
      socket.send(JSON.stringify({ type: 'join', roomId: 'crowd', username: `crowd${i}` }));
      socket.once('message', () => resolve(socket));
    });
  });
}

const sockets = await Promise.all(
  Array.from({ length: Number(clientCount) }, (_, i) => crowdMember(i)),
);
process.send?.('joined');

process.on('disconnect', () => process.exit(0));
process.on('message', (message) => {
  if (message === 'go') {
    goAt = performance.now();
    const frame = JSON.stringify({ type: 'message', roomId: 'crowd', text });
    const period = 1000 / Number(rate);
    const say = (socket: WebSocket) => {
      if (stopping || socket.readyState !== WebSocket.OPEN) return;
      socket.send(frame);
      report.sent++;
    };
    // Spread over the period, as people would be, rather than all at once.
    sockets.forEach((socket, i) => {
      const start = setTimeout(
        () => timers.push(setInterval(say, period, socket)),
        (i * period) / sockets.length,
      );
      timers.push(start);
    });
  } else if (message === 'stop') {
    stopping = true;
    for (const timer of timers) clearTimeout(timer);
    const crowd: CrowdReport = { ...report, lastFrames, firstCloseMs };
    process.send?.(crowd, () => {
      for (const socket of sockets) socket.terminate();
      process.exit(0);
    });
  }
});
