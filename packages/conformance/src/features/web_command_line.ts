import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { LineClient } from '@otp-chat/net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort, mainRunner } from '../main_process.ts';
import { type FeatureContext, type StepUnderTest, stepWith, webStep } from '../step.ts';
import type { WebClient } from '../web_client.ts';

// The command line of a step with both transports (its src/main.ts), run as `pnpm start` runs
// it: node with the servers' loader, in the step's directory. What it prints, the flags and
// variables it reads, how it stops on a signal and why it refuses to start.

const LISTENING =
  /chat server listening on 127\.0\.0\.1:(\d+) — connect with: nc 127\.0\.0\.1 (\d+)\n/;
const WEB =
  /web chat on http:\/\/127\.0\.0\.1:(\d+)\/chat\.html \(WebSocket: (ws:\/\/127\.0\.0\.1:\d+\/ws)\)\n/;

export function webCommandLine(anyStep: StepUnderTest, where: FeatureContext): void {
  const step = stepWith(webStep(anyStep), ['settings']);
  // The step's directory: the one above its src/index.ts.
  const run = mainRunner(dirname(dirname(where.entry)), where.processes.env);

  describe('main.ts', () => {
    it.each(['SIGINT', 'SIGTERM'] as const)(
      'prints how to connect, and on %s tells users of both transports and stops cleanly',
      async (signal) => {
        const server = run(['--port', '0', '--web-port', '0']);
        const [, port, again] = LISTENING.exec(await server.output(LISTENING))!;
        expect(Number(port)).toBeGreaterThan(0);
        expect(again).toBe(port);
        const [, webPort, wsUrl] = WEB.exec(await server.output(WEB))!;
        expect(wsUrl).toBe(`ws://127.0.0.1:${webPort}/ws`);
        const alice = await LineClient.connect(Number(port));
        await alice.expect('What is your name?');
        alice.send('alice');
        await alice.expect(/^You joined/);
        const ada = (await step.ChatClient.connect(wsUrl!, { WebSocket })) as WebClient;
        ada.join('lobby', 'ada');
        await ada.expect('joined');
        await alice.expect('* ada joined lobby');
        server.child.kill(signal);
        expect(await alice.expect(/shutting down/)).toBe('The server is shutting down. Bye!');
        expect(await ada.expect('error')).toEqual({
          type: 'error',
          code: 'SERVER_SHUTDOWN',
          message: 'the server is shutting down',
        });
        await alice.closed;
        expect(await ada.closed).toEqual({ code: 1001, reason: 'the server is shutting down' });
        expect(await server.exited).toBe(0);
        expect(server.stdout()).toContain('chat server stopped');
      },
    );

    it('takes the port from CHAT_PORT', async () => {
      const port = await freePort();
      const server = run(['--web-port', '0'], { CHAT_PORT: String(port) });
      expect(await server.output(LISTENING)).toContain(`nc 127.0.0.1 ${port}`);
    });

    it('takes the web port from CHAT_WEB_PORT', async () => {
      const port = await freePort();
      const server = run(['--port', '0'], { CHAT_WEB_PORT: String(port) });
      expect(await server.output(WEB)).toContain(`http://127.0.0.1:${port}/chat.html`);
    });

    it.each([
      ['telnet', '--port', '--web-port'],
      ['web', '--web-port', '--port'],
    ])('says why and exits 1 when the %s port is taken', async (_which, taken, free) => {
      const holder = createServer().listen(0, '127.0.0.1');
      await once(holder, 'listening');
      const { port } = holder.address() as { port: number };
      const server = run([taken, String(port), free, '0']);
      expect(await server.exited).toBe(1);
      expect(server.stderr()).toMatch(/^the chat server did not start: listen EADDRINUSE: .*\n$/);
      holder.close();
    });

    it('takes its flags after a `--`, as `pnpm start -- --port 0` passes them', async () => {
      const server = run(['--', '--port', '0', '--web-port', '0']);
      expect(await server.output(LISTENING)).toMatch(/nc 127\.0\.0\.1 \d+/);
    });

    it('exits 2 with the usage on a bad port', async () => {
      const server = run(['--port', 'eighty']);
      expect(await server.exited).toBe(2);
      expect(server.stderr()).toMatch(/not a port: 'eighty'[\s\S]*usage: pnpm start/);
    });

    it('caps connections as --max-connections says, and tells the one refused why', async () => {
      const server = run(['--port', '0', '--web-port', '0', '--max-connections', '1']);
      const [, port] = LISTENING.exec(await server.output(LISTENING))!;
      const alice = await LineClient.connect(Number(port));
      await alice.expect('What is your name?');
      const bob = await LineClient.connect(Number(port));
      expect(await bob.next()).toBe('error: the server is full (1 connection); try again later.');
      await bob.closed;
      alice.reset();
    });

    it('says why and exits 1 on an allowed origin that is not one', async () => {
      const server = run(['--port', '0', '--web-port', '0'], {
        CHAT_ALLOWED_ORIGINS: 'chat.example.com',
      });
      expect(await server.exited).toBe(1);
      expect(server.stderr()).toMatch(/^not an origin: 'chat\.example\.com'/);
    });

    it('lists every setting, with its variable, on --help, and exits 0', async () => {
      const server = run(['--help']);
      expect(await server.exited).toBe(0);
      expect(server.stdout()).toMatch(/^usage: pnpm start /);
      for (const setting of Object.values(step.settings)) {
        expect(server.stdout()).toContain(`--${setting.flag} <${setting.unit}>`);
        expect(server.stdout()).toContain(`env ${setting.env})`);
      }
      expect(server.stdout()).toContain('--heartbeat-ms <ms>');
    });
  });
}
