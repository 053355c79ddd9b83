import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, mainRunner } from '@otp-chat/conformance';
import { afterEach, describe, expect, it } from 'vitest';

// Step 8's command line: where it stores, and why it refuses to start. (What every step's
// command line does, the conformance feature web-command-line tests.)
const run = mainRunner(new URL('..', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otp-chat-08-main-'));
  dirs.push(dir);
  return dir;
}

describe('main.ts', () => {
  it('lists the store settings in --help', async () => {
    const help = run(['--help']);
    expect(await help.exited).toBe(0);
    for (const flag of [
      '--database-url',
      '--data-dir',
      '--retention-max-age',
      '--retention-max-messages',
      '--retention-interval',
    ]) {
      expect(help.stdout()).toContain(flag);
    }
  });

  it('makes the data directory and its SQLite file, and says where it stores', async () => {
    const dir = join(dataDir(), 'not', 'made', 'yet');
    const server = run(['--port', '0', '--web-port', '0', '--data-dir', dir]);
    const out = await server.output(/chat server listening/);
    expect(out).toContain(`messages stored in ${join(dir, 'chat.sqlite3')} (sqlite)`);
    expect(existsSync(join(dir, 'chat.sqlite3'))).toBe(true);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('refuses to start, in one line and exit status 1, when PostgreSQL does not answer', async () => {
    const url = `postgres://postgres@127.0.0.1:${await freePort()}/chat`;
    const server = run(['--port', '0', '--web-port', '0', '--database-url', url]);
    expect(await server.exited).toBe(1);
    expect(server.stderr().trim()).toMatch(
      /^the database postgres:\/\/postgres@127\.0\.0\.1:\d+\/chat cannot be used: .+$/,
    );
    expect(server.stdout()).not.toContain('listening');
  });

  it('refuses a database URL that is not postgres://, with the usage and exit status 2', async () => {
    const server = run(['--database-url', 'mysql://root:secret@db/chat']);
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toContain("not a postgres:// URL: 'mysql://root:***@db/chat'");
    expect(server.stderr()).not.toContain('secret');
  });
});
