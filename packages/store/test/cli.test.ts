import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrationStatus, type StoreLocation, withoutPassword } from '../src/index.ts';
import { onEachEngine } from './engines.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI as `pnpm db:*` does, with only the environment given (no DATABASE_URL else). */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const { DATABASE_URL: _, OTP_CHAT_DATA_DIR: __, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', CLI, ...args],
      { cwd: ROOT, env: { ...inherited, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

/** The CLI's arguments and environment for a store: its URL, or its data directory. */
function pointedAt(location: StoreLocation): [string[], Record<string, string>] {
  return location.databaseUrl === undefined
    ? [['--data-dir', location.dataDir], {}]
    : [[], { DATABASE_URL: location.databaseUrl }];
}

describe('pnpm db:status and pnpm db:migrate', () => {
  onEachEngine((open) => {
    it('lists the migrations pending, applies them, then lists them applied', async () => {
      const store = await open();
      const [args, env] = pointedAt(store.location);
      const lines = (run: Run) => run.stdout.trim().split('\n').slice(1);

      const before = await cli(['status', ...args], env);
      expect(before.status).toBe(0);
      expect(before.stdout).toMatch(new RegExp(`^database: .* \\(${store.engine}\\)\n`));
      expect(lines(before)).toEqual([
        'pending 0001_rooms_and_messages',
        'pending 0002_room_numbering',
        'pending 0003_room_last_seq',
        'pending 0004_room_listing_order',
      ]);

      const migrate = await cli(['migrate', ...args], env);
      expect(migrate).toMatchObject({ status: 0, stderr: '' });
      expect(lines(migrate)).toEqual([
        'applied 0001_rooms_and_messages',
        'applied 0002_room_numbering',
        'applied 0003_room_last_seq',
        'applied 0004_room_listing_order',
      ]);
      // In the very database the test has open.
      const applied = await migrationStatus(store.db, store.engine);
      expect(applied.every((migration) => migration.applied)).toBe(true);

      const after = await cli(['status', ...args], env);
      expect(lines(after)).toEqual([
        'applied 0001_rooms_and_messages',
        'applied 0002_room_numbering',
        'applied 0003_room_last_seq',
        'applied 0004_room_listing_order',
      ]);
      const again = await cli(['migrate', ...args], env);
      expect(again.status).toBe(0);
      expect(lines(again)).toEqual(['up to date']);
    }, 60_000); // four runs of the CLI, each a Node that compiles it
  });

  it('takes the data directory from OTP_CHAT_DATA_DIR when no flag names one', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'otp-chat-cli-'));
    try {
      const dir = join(parent, 'data');
      const run = await cli(['status'], { OTP_CHAT_DATA_DIR: dir });
      expect(run.status).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(`database: ${join(dir, 'chat.sqlite3')} (sqlite)`);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('says in one line that a server cannot be reached, names it, and never its password', async () => {
    const run = await cli(['migrate'], { DATABASE_URL: 'postgres://chat:s3cret@127.0.0.1:1/chat' });
    expect(run.status).toBe(1);
    const [line, ...rest] = run.stderr.trim().split('\n');
    expect(rest).toEqual([]);
    expect(line).toMatch(/^db:migrate: .*ECONNREFUSED.*127\.0\.0\.1:1/);
    expect(line).toContain('postgres://chat:***@127.0.0.1:1/chat');
    expect(run.stdout + run.stderr).not.toContain('s3cret');
  });

  it('refuses a URL that is not PostgreSQL, and a command it does not know', async () => {
    const wrong = await cli(['status'], { DATABASE_URL: 'mysql://chat:s3cret@db/chat' });
    expect(wrong).toMatchObject({ status: 1, stdout: '' });
    expect(wrong.stderr).toBe(
      'db:status: DATABASE_URL: not a postgres:// URL: mysql://chat:***@db/chat\n',
    );
    const unknown = await cli(['migrat']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^expected migrate or status, got: migrat\nusage: /);
  });

  it('hides a password wherever a URL holds one', () => {
    expect(withoutPassword('postgres://ann:p@ss:w@db:5432/chat')).toBe(
      'postgres://ann:***@db:5432/chat',
    );
    expect(withoutPassword('postgres://db/chat?user=ann&password=secret&ssl=1')).toBe(
      'postgres://db/chat?user=ann&password=***&ssl=1',
    );
    expect(withoutPassword('postgres://ann@db/chat')).toBe('postgres://ann@db/chat');
  });
});
