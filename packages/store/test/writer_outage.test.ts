/**
 * The writer when the database goes away and comes back. PostgreSQL through a TCP proxy that
 * cuts the line (test/tcp_proxy.ts); SQLite through a file that can no longer be written.
 * Each runs on the engine it concerns, and the PostgreSQL part says loudly when it did not run.
 */
import { accessSync, chmodSync, constants } from 'node:fs';
import { join } from 'node:path';
import { GenServer, isAlive, type Pid, receive, self, TIMEOUT } from '@otp-chat/otp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type OpenStore, openStore, SQLITE_FILE } from '../src/index.ts';
import { startTcpProxy, type TcpProxy } from '../src/tcp_proxy.ts';
import { MAX_BACKOFF_MS, MessageWriter, type WriterReply } from '../src/writer.ts';
import { onEngine } from './engines.ts';
import {
  inProcess,
  message,
  migratedWithRoom,
  perMessage,
  started,
  type TagReply,
} from './writer_helpers.ts';

/** Writes `seqs` and waits (at most `withinMs`) for a reply to each, in the order they came. */
async function written(
  writer: Pid,
  room: number,
  seqs: readonly number[],
  withinMs = 10_000,
): Promise<TagReply[]> {
  const me = self();
  for (const seq of seqs) MessageWriter.write(writer, message(room, seq), me, seq);
  const got: TagReply[] = [];
  const deadline = performance.now() + withinMs;
  while (got.length < seqs.length) {
    const reply = await receive<WriterReply>(undefined, Math.max(0, deadline - performance.now()));
    if (reply === TIMEOUT) throw new Error(`no reply in ${withinMs} ms: ${JSON.stringify(got)}`);
    got.push(...perMessage(reply));
  }
  return got;
}

/**
 * Writes `seq` again and again (each failure waits 50 ms) until it is stored; the time it took.
 * Fails after `withinMs`.
 */
async function storedAgain(writer: Pid, room: number, seq: number, withinMs: number) {
  const start = performance.now();
  for (;;) {
    const [reply] = await written(writer, room, [seq]);
    if (reply![0] === 'stored') return performance.now() - start;
    if (performance.now() - start > withinMs) throw new Error(`not stored in ${withinMs} ms`);
    await receive(() => false, 50);
  }
}

async function storedSeqs(db: OpenStore['db']): Promise<number[]> {
  const rows = await db.selectFrom('messages').select('seq').orderBy('seq').execute();
  return rows.map((row) => Number(row.seq));
}

const failed = (seq: number) => ['store_failed', seq, 'STORAGE_UNAVAILABLE'];

describe('the message writer when PostgreSQL goes away', () => {
  onEngine('postgres', (open) => {
    let proxy: TcpProxy | undefined;
    let proxied: OpenStore | undefined;
    afterEach(async () => {
      await proxied?.close();
      await proxy?.close();
      proxied = proxy = undefined;
      vi.restoreAllMocks();
    });

    /** The test's database, migrated with a room, and a second store on it through the proxy. */
    async function throughProxy() {
      const { store, url } = await open();
      const room = await migratedWithRoom(store);
      const target = new URL(url!);
      proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      const viaProxy = new URL(url!);
      viaProxy.host = `127.0.0.1:${proxy.port}`;
      proxied = openStore({ databaseUrl: viaProxy.href, dataDir: '' });
      return { direct: store, proxy, proxied, room };
    }

    it('answers STORAGE_UNAVAILABLE at once while the line is cut, stays up, and recovers by itself once it is back', async () => {
      const { direct, proxy, proxied, room } = await throughProxy();
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      await inProcess(async () => {
        const writer = await started(proxied.db);
        expect(await written(writer, room, [1])).toEqual([['stored', 1]]);
        // The writer's connection is idle in the pool now: the cut breaks it there, and the
        // pool's 'error' event is handled (no listener would crash this process) and logged.
        proxy.cut();
        await vi.waitFor(() =>
          expect(warn).toHaveBeenCalledWith(expect.stringContaining('an idle connection failed')),
        );
        const start = performance.now();
        expect(await written(writer, room, [2, 3])).toEqual([failed(2), failed(3)]);
        expect(performance.now() - start).toBeLessThan(2_000);
        // And so does the next, whether the backoff turns it away or the refused line does.
        expect(await written(writer, room, [4], 500)).toEqual([failed(4)]);
        expect(isAlive(writer)).toBe(true);

        proxy.restore();
        // Stored again within the longest backoff, with no help from outside.
        expect(await storedAgain(writer, room, 5, MAX_BACKOFF_MS + 2_000)).toBeLessThan(
          MAX_BACKOFF_MS + 2_000,
        );
        expect(isAlive(writer)).toBe(true);
        await GenServer.stop(writer);
      });
      expect(await storedSeqs(direct.db)).toEqual([1, 5]);
    });

    it('writes nothing of a batch whose line is cut at its COMMIT', async () => {
      const { direct, proxy, proxied, room } = await throughProxy();
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      await inProcess(async () => {
        const writer = await started(proxied.db);
        expect(await written(writer, room, [1])).toEqual([['stored', 1]]);
        // BEGIN and the INSERT of the batch reach the server; its COMMIT never does.
        let insertsSeen = 0;
        proxy.cutOn((chunk) => {
          const text = chunk.toString('latin1');
          if (/insert into/i.test(text)) insertsSeen++;
          return /\bcommit\b/i.test(text);
        });
        expect(await written(writer, room, [2, 3, 4])).toEqual([failed(2), failed(3), failed(4)]);
        expect(insertsSeen).toBe(1);
        expect(isAlive(writer)).toBe(true);
        proxy.restore();
        expect(await storedAgain(writer, room, 5, MAX_BACKOFF_MS + 2_000)).toBeLessThan(
          MAX_BACKOFF_MS + 2_000,
        );
        await GenServer.stop(writer);
      });
      // The server rolled the open transaction back when its connection went.
      expect(await storedSeqs(direct.db)).toEqual([1, 5]);
    });

    it('gives up on a line that answers nothing within the connection timeout, not minutes', async () => {
      const { direct, proxy, proxied, room } = await throughProxy();
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      await inProcess(async () => {
        const writer = await started(proxied.db);
        expect(await written(writer, room, [1])).toEqual([['stored', 1]]);
        // New connections are accepted and never answered: only pg's connectionTimeoutMillis
        // (5 s, src/engine.ts) ends the wait. Once the pool has dropped the connection it had,
        // the next batch needs a new one.
        proxy.cut({ silent: true });
        await vi.waitFor(() =>
          expect(warn).toHaveBeenCalledWith(expect.stringContaining('an idle connection failed')),
        );
        const start = performance.now();
        expect(await written(writer, room, [2], 15_000)).toEqual([failed(2)]);
        const waited = performance.now() - start;
        expect(waited).toBeLessThan(8_000);
        expect(waited).toBeGreaterThan(4_000);
        expect(proxy.accepted).toBe(2);
        expect(isAlive(writer)).toBe(true);
        proxy.restore();
        await storedAgain(writer, room, 3, MAX_BACKOFF_MS + 2_000);
        await GenServer.stop(writer);
      });
      expect(await storedSeqs(direct.db)).toEqual([1, 3]);
    }, 30_000);
  });
});

describe('the message writer on a SQLite file it cannot write', () => {
  onEngine('sqlite', (open) => {
    it('answers STORAGE_UNAVAILABLE and stays up, while reads still work', async () => {
      const { store, dataDir } = await open();
      const room = await migratedWithRoom(store);
      await inProcess(async () => {
        const writer = await started(store.db);
        expect(await written(writer, room, [1])).toEqual([['stored', 1]]);
        await GenServer.stop(writer);
      });
      // The file and its directory become read-only. Root writes whatever the mode bits say
      // (tests may run as root), so there the file is opened read-only instead, which fails the
      // same writes the same way (SQLITE_READONLY). A connection keeps the mode it was opened
      // with, so the store is opened again either way.
      const file = join(dataDir!, SQLITE_FILE);
      chmodSync(file, 0o444);
      chmodSync(dataDir!, 0o555);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      let readOnly: OpenStore | undefined;
      try {
        readOnly = openStore({ dataDir: dataDir!, readonly: writable(file) });
        const db = readOnly.db;
        await inProcess(async () => {
          const writer = await started(db);
          expect(await written(writer, room, [2, 3])).toEqual([failed(2), failed(3)]);
          expect(isAlive(writer)).toBe(true);
          await GenServer.stop(writer);
        });
        // The write really failed on the file, as a read-only database.
        expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not stored: .*readonly/));
        expect(await storedSeqs(db)).toEqual([1]);
        const rooms = await db.selectFrom('rooms').select('slug').execute();
        expect(rooms).toEqual([{ slug: 'lobby' }]);
      } finally {
        await readOnly?.close();
        chmodSync(dataDir!, 0o755);
        chmodSync(file, 0o644);
      }
      // Writable again: a writer on a store opened again stores (the read-only connection
      // cannot become writable, so the same writer cannot recover on it; see the report).
      await inProcess(async () => {
        const writer = await started(store.db);
        expect(await written(writer, room, [2])).toEqual([['stored', 2]]);
        await GenServer.stop(writer);
      });
      expect(await storedSeqs(store.db)).toEqual([1, 2]);
    });
  });
});

/** Whether this process may write `file` despite its mode bits (root may). */
function writable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
