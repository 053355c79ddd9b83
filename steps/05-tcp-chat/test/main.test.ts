import { once } from 'node:events';
import { createServer } from 'node:net';
import { LineClient, settings } from '@otp-chat/05-tcp-chat';
import { mainRunner } from '@otp-chat/conformance';
import { describe, expect, it } from 'vitest';

// The command line as `pnpm start` runs it: node with tsx, in the step's directory.
const run = mainRunner(new URL('..', import.meta.url));

const LISTENING =
  /chat server listening on 127\.0\.0\.1:(\d+) — connect with: nc 127\.0\.0\.1 (\d+)\n/;

describe('main.ts', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'prints how to connect, and on %s tells users and stops cleanly',
    async (signal) => {
      const server = run(['--port', '0']);
      const [, port, again] = LISTENING.exec(await server.output(LISTENING))!;
      expect(Number(port)).toBeGreaterThan(0);
      expect(again).toBe(port);
      const alice = await LineClient.connect(Number(port));
      await alice.expect('What is your name?');
      alice.send('alice');
      await alice.expect(/^You joined/);
      server.child.kill(signal);
      expect(await alice.expect(/shutting down/)).toBe('The server is shutting down. Bye!');
      await alice.closed;
      expect(await server.exited).toBe(0);
      expect(server.stdout()).toContain('chat server stopped');
    },
  );

  it('takes the port from CHAT_PORT', async () => {
    const free = createServer().listen(0, '127.0.0.1');
    await once(free, 'listening');
    const { port } = free.address() as { port: number };
    free.close();
    const server = run([], { CHAT_PORT: String(port) });
    expect(await server.output(LISTENING)).toContain(`nc 127.0.0.1 ${port}`);
  });

  it('says why and exits 1 when the port is taken', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    const server = run(['--port', String(port)]);
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toMatch(/^the chat server did not start: listen EADDRINUSE: .*\n$/);
    taken.close();
  });

  it('takes its flags after a `--`, as `pnpm start -- --port 0` passes them', async () => {
    const server = run(['--', '--port', '0']);
    const [, port] = LISTENING.exec(await server.output(LISTENING))!;
    expect(Number(port)).toBeGreaterThan(0);
  });

  it('exits 2 with the usage on a bad port', async () => {
    const server = run(['--port', 'eighty']);
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toMatch(/not a port: 'eighty'[\s\S]*usage: pnpm start/);
  });

  it('exits 2 with the usage when --max-queued is not above --max-unread', async () => {
    const server = run(['--port', '0', '--max-unread', '64', '--max-queued', '64']);
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toMatch(
      /^--max-queued \(64\) must be above --max-unread \(64\): .*\nusage: pnpm start/,
    );
  });

  it('lists every setting, with its variable, on --help, and exits 0', async () => {
    const server = run(['--help']);
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toMatch(/^usage: pnpm start /);
    for (const setting of Object.values(settings)) {
      expect(server.stdout()).toContain(`--${setting.flag} <${setting.unit}>`);
      expect(server.stdout()).toContain(`env ${setting.env})`);
    }
    expect(server.stdout()).toContain('--max-unread <inputs>');
  });
});
