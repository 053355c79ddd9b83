import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_LOADER } from '@otp-chat/server';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sleep } from '../fixture.ts';
import type { CrowdReport } from '../overload/load_child.ts';
import type { ServerReport } from '../overload/server_child.ts';
import { ownDataDir } from '../server_process.ts';
import { type FeatureContext, type StepUnderTest, webStep } from '../step.ts';

// A room must not take more than its members can absorb. 200 WebSocket clients in one room,
// each within every limit a client has (19 messages a second of 2,000 characters, reading
// everything, answering pings), ask a room for 3,800 messages a second, which its 200 members
// would have to take 760,000 times a second. The server runs alone in a child process with its
// default settings; its memory is read inside it. Before rooms had a rate and a bound on what
// waits for each member, its heap grew by about 11 MB a second until it died.

const MB = 1024 * 1024;
const CROWD = 200;
const RATE = 19;
const CHARS = 2000;
/** How long the crowd talks. */
const RUN_MS = 30_000;

export function overload(stepUnderTest: StepUnderTest, { entry, processes }: FeatureContext): void {
  webStep(stepUnderTest);
  const children: ChildProcess[] = [];
  const sockets: WebSocket[] = [];

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.terminate();
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  /** Node with the servers' loader, as `pnpm start` runs a step, on one of the overload children. */
  function child(script: string, args: string[]): ChildProcess {
    const path = fileURLToPath(new URL(`../overload/${script}`, import.meta.url));
    const started = spawn(
      process.execPath,
      ['--import', SERVER_LOADER, '--conditions=source', path, ...args],
      // From the step's directory, where the step's dependencies resolve.
      {
        cwd: dirname(dirname(entry)),
        env: { ...process.env, ...ownDataDir(), ...processes.env },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    children.push(started);
    return started;
  }

  /** A bystander in another room, on a plain ws client. */
  async function bystander(url: string, name: string): Promise<WebSocket> {
    const socket = new WebSocket(url);
    sockets.push(socket);
    await once(socket, 'open');
    socket.send(JSON.stringify({ type: 'join', roomId: 'quiet', username: name }));
    await once(socket, 'message');
    return socket;
  }

  describe('a crowd in one room', () => {
    it(`${CROWD} WebSocket clients at ${RATE} messages a second each: the server's memory stays bounded and others chat on`, {
      timeout: RUN_MS + 90_000,
    }, async () => {
      const server = child('server_child.ts', [entry, JSON.stringify(processes.config)]);
      let maxRss = 0;
      let maxHeap = 0;
      let cpuUs = 0;
      const ready = new Promise<string>((resolve) => {
        server.on('message', (report: ServerReport) => {
          if (report.type === 'ready') resolve(report.wsUrl);
          else {
            maxRss = Math.max(maxRss, report.rss);
            maxHeap = Math.max(maxHeap, report.heapUsed);
            cpuUs = report.cpuUs;
          }
        });
      });
      const url = await ready;
      const crowd = child('load_child.ts', [url, `${CROWD}`, `${RATE}`, `${CHARS}`]);
      await once(crowd, 'message'); // every member has joined
      const ann = await bystander(url, 'ann');
      const bob = await bystander(url, 'bob');

      // Ann says something every 100 ms; bob measures how long each took to reach him.
      const sentAt = new Map<string, number>();
      const delays: number[] = [];
      bob.on('message', (data: Buffer) => {
        const message = JSON.parse(String(data));
        const sent = sentAt.get(message.text);
        if (message.type === 'message' && sent !== undefined) {
          delays.push(performance.now() - sent);
        }
      });
      crowd.send('go');
      const startRss = maxRss;
      const startCpu = cpuUs;
      const started = performance.now();
      for (let i = 0; i * 100 < RUN_MS; i++) {
        const text = `ping ${i}`;
        sentAt.set(text, performance.now());
        ann.send(JSON.stringify({ type: 'message', roomId: 'quiet', text }));
        await sleep(100);
        if (server.exitCode !== null || server.signalCode !== null) break;
      }
      const alive = server.exitCode === null && server.signalCode === null;
      const cpuShare = (cpuUs - startCpu) / 1000 / (performance.now() - started);
      crowd.send('stop');
      const [report] = (await once(crowd, 'message')) as [CrowdReport];
      await sleep(1000); // the last pings' answers

      delays.sort((a, b) => a - b);
      const p99 = delays[Math.floor(delays.length * 0.99)] ?? Number.POSITIVE_INFINITY;
      const seconds = RUN_MS / 1000;
      const closes = `${JSON.stringify(report.closes)} (the first after ${report.firstCloseMs} ms)`;
      console.info(
        `overload: server RSS at most ${(maxRss / MB).toFixed(0)} MB (${(startRss / MB).toFixed(0)} MB before), ` +
          `heap at most ${(maxHeap / MB).toFixed(0)} MB, CPU ${(cpuShare * 100).toFixed(0)}%; ` +
          `crowd sent ${(report.sent / seconds).toFixed(0)}/s, ` +
          `got ${(report.received / seconds).toFixed(0)} frames/s, ${report.rateLimited} RATE_LIMITED, ` +
          `closed: ${closes} ${report.lastFrames.join(' ')}; ` +
          `bystanders: ${delays.length} of ${sentAt.size} pings, p99 ${p99.toFixed(0)} ms`,
      );

      expect(alive, 'the server survives').toBe(true);
      expect(maxRss).toBeLessThan(512 * MB);
      expect(p99).toBeLessThan(1000);
      expect(delays.length).toBeGreaterThan(sentAt.size * 0.95);
      // The room passed on what it could and refused the rest, to its senders.
      expect(report.rateLimited).toBeGreaterThan(0);
      server.send('stop');
    });
  });
}
