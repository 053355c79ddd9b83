import { setTimeout as sleep } from 'node:timers/promises';
import { exit, GenServer, isAlive, type Pid, Supervisor, unlink, whereis } from '@otp-chat/otp';
import { describe, expect, it } from 'vitest';
import {
  migrateToLatest,
  type OpenStore,
  RetentionJob,
  type RetentionOptions,
} from '../src/index.ts';
import { onEachEngine } from './engines.ts';

const DAY = 24 * 60 * 60 * 1000;
/** A long interval: in these tests only `sweepNow` sweeps, unless a test says otherwise. */
const NO_TIMER = 60 * 60 * 1000;

type Db = OpenStore['db'];

async function migrated(open: () => Promise<OpenStore>): Promise<Db> {
  const { db, engine } = await open();
  await migrateToLatest(db, engine);
  return db;
}

async function room(db: Db, slug: string): Promise<number> {
  const row = await db
    .insertInto('rooms')
    .values({ name: slug, slug, description: null, epoch: 1, inserted_at: 1, updated_at: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Messages seq 1..count in a room, each `ageOf(seq)` ms old. */
async function said(db: Db, roomId: number, count: number, ageOf: (seq: number) => number) {
  const now = Date.now();
  for (let first = 1; first <= count; first += 500) {
    const seqs = Array.from({ length: Math.min(500, count - first + 1) }, (_, i) => first + i);
    await db
      .insertInto('messages')
      .values(
        seqs.map((seq) => ({
          room_id: roomId,
          seq,
          username: 'ann',
          content: `message ${seq}`,
          user_id: null,
          inserted_at: now - ageOf(seq),
        })),
      )
      .execute();
  }
}

async function seqsOf(db: Db, roomId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('messages')
    .select('seq')
    .where('room_id', '=', roomId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => Number(row.seq));
}

async function started(db: Db, options: RetentionOptions): Promise<Pid> {
  const result = await RetentionJob.startLink(db, options);
  if (result === 'ignore' || result[0] !== 'ok') throw new Error('the job did not start');
  return result[1];
}

/** Starts a job, sweeps once, stops it: what the sweep answered. */
async function sweepOnce(db: Db, options: Omit<RetentionOptions, 'intervalMs'>) {
  const job = await started(db, { intervalMs: NO_TIMER, ...options });
  try {
    return await RetentionJob.sweepNow(job);
  } finally {
    await GenServer.stop(job);
  }
}

describe('the retention job', () => {
  onEachEngine((open) => {
    it('deletes the messages older than the maximum age, in every room, and no room', async () => {
      const db = await migrated(open);
      const [lobby, attic] = [await room(db, 'lobby'), await room(db, 'attic')];
      // Seq 1-3 are 10 days old, 4-5 an hour old.
      await said(db, lobby, 5, (seq) => (seq <= 3 ? 10 * DAY : DAY / 24));
      await said(db, attic, 2, () => 3 * DAY);
      expect(await sweepOnce(db, { maxAgeMs: 2 * DAY })).toEqual(['ok', { byAge: 5, byCount: 0 }]);
      expect(await seqsOf(db, lobby)).toEqual([4, 5]);
      expect(await seqsOf(db, attic)).toEqual([]);
      const rooms = await db.selectFrom('rooms').select('slug').orderBy('slug').execute();
      expect(rooms.map((row) => row.slug)).toEqual(['attic', 'lobby']);
    });

    it('keeps the newest messages of each room up to the maximum count, by seq', async () => {
      const db = await migrated(open);
      const [lobby, attic] = [await room(db, 'lobby'), await room(db, 'attic')];
      await said(db, lobby, 30, () => 1000);
      await said(db, attic, 5, () => 1000);
      expect(await sweepOnce(db, { maxMessagesPerRoom: 10 })).toEqual([
        'ok',
        { byAge: 0, byCount: 20 },
      ]);
      expect(await seqsOf(db, lobby)).toEqual(Array.from({ length: 10 }, (_, i) => 21 + i));
      expect(await seqsOf(db, attic)).toEqual([1, 2, 3, 4, 5]);
    });

    it('deletes nothing when neither limit is set', async () => {
      const db = await migrated(open);
      const lobby = await room(db, 'lobby');
      await said(db, lobby, 20, () => 365 * DAY);
      expect(await sweepOnce(db, {})).toEqual(['ok', { byAge: 0, byCount: 0 }]);
      expect(await seqsOf(db, lobby)).toHaveLength(20);
    });

    it('deletes more rows than one chunk takes, a chunk at a time, under both limits', async () => {
      const db = await migrated(open);
      const [lobby, attic] = [await room(db, 'lobby'), await room(db, 'attic')];
      await said(db, lobby, 250, () => 10 * DAY);
      await said(db, attic, 300, () => 1000);
      // 200 is two full chunks exactly, then one that finds nothing; 250 and 290 end mid-chunk.
      await said(db, await room(db, 'cafe'), 200, () => 10 * DAY);
      const options = { chunkSize: 100, maxAgeMs: DAY, maxMessagesPerRoom: 10 };
      expect(await sweepOnce(db, options)).toEqual(['ok', { byAge: 450, byCount: 290 }]);
      expect(await seqsOf(db, lobby)).toEqual([]);
      expect(await seqsOf(db, attic)).toEqual(Array.from({ length: 10 }, (_, i) => 291 + i));
    });

    it('sweeps by itself, soon after it starts and then every interval', async () => {
      const db = await migrated(open);
      const lobby = await room(db, 'lobby');
      await said(db, lobby, 3, () => 10 * DAY);
      const job = await started(db, { maxAgeMs: DAY, intervalMs: 50 });
      try {
        await until(async () => (await seqsOf(db, lobby)).length === 0);
        await said(db, lobby, 3, () => 10 * DAY);
        await until(async () => (await seqsOf(db, lobby)).length === 0);
      } finally {
        await GenServer.stop(job);
      }
    });

    it('answers a database error, and stays up to try again at the next interval', async () => {
      const { db } = await open(); // not migrated: there is no messages table
      const job = await started(db, { maxAgeMs: DAY, intervalMs: NO_TIMER });
      const reply = await RetentionJob.sweepNow(job);
      expect(reply[0]).toBe('error');
      expect(reply[1]).toMatch(/messages/);
      expect(isAlive(job)).toBe(true);
      await GenServer.stop(job);
    });

    it('stops deleting at once when it is killed in the middle of a sweep', async () => {
      const db = await migrated(open);
      const lobby = await room(db, 'lobby');
      await said(db, lobby, 5000, () => 10 * DAY);
      // A chunk of one row: the sweep takes thousands of statements, plenty of time to kill it.
      const job = await started(db, { maxAgeMs: DAY, chunkSize: 1, intervalMs: NO_TIMER });
      unlink(job); // its kill is not the test's
      RetentionJob.sweepNow(job).catch(() => {}); // the caller's call fails with the kill
      await until(async () => (await seqsOf(db, lobby)).length < 5000);
      exit(job, 'kill');
      await sleep(100); // for the one DELETE that may have been on its way
      const left = (await seqsOf(db, lobby)).length;
      await sleep(200);
      expect((await seqsOf(db, lobby)).length).toBe(left);
      expect(left).toBeGreaterThan(0);
    });

    it('is restarted by its supervisor when it is killed', async () => {
      const db = await migrated(open);
      const lobby = await room(db, 'lobby');
      const options = { maxMessagesPerRoom: 2, intervalMs: NO_TIMER };
      const result = await Supervisor.start([RetentionJob.childSpec(db, options, 'retention')]);
      if (result === 'ignore' || result[0] !== 'ok') throw new Error('no supervisor');
      const supervisor = result[1];
      try {
        const first = whereis('retention') as Pid;
        exit(first, 'kill');
        const [child] = await Supervisor.whichChildren(supervisor);
        expect(child?.id).toBe('RetentionJob');
        expect(child?.pid).not.toBe(first);
        expect(child?.pid).toBe(whereis('retention'));
        await said(db, lobby, 5, () => 1000);
        expect(await RetentionJob.sweepNow('retention')).toEqual(['ok', { byAge: 0, byCount: 3 }]);
      } finally {
        await Supervisor.stop(supervisor);
      }
    });
  });

  it('refuses a limit that is not a whole number above 0, naming it', async () => {
    const db = {} as Db; // never reached: the options are checked first
    await expect(
      RetentionJob.startLink(db, { maxMessagesPerRoom: 0, intervalMs: 1 }),
    ).rejects.toThrow(
      new RangeError('RetentionJob: maxMessagesPerRoom must be a whole number above 0, not 0'),
    );
    await expect(RetentionJob.startLink(db, { intervalMs: 1.5 })).rejects.toThrow(/intervalMs/);
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('not within the time');
    await sleep(20);
  }
}
