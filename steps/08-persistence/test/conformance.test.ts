import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as step from '@otp-chat/08-persistence';
import { type ConformanceConfig, runConformance, type StepUnderTest } from '@otp-chat/conformance';
import { type Engine, migrateToLatest, openStore } from '@otp-chat/store';
import { postgresProblem, scratchDatabase, warnNotRun } from '@otp-chat/store/testing';
import { afterAll, beforeEach, describe, it } from 'vitest';

const manifest = new URL('../package.json', import.meta.url);

// A server the suite starts in a process of its own (to measure its memory, say) opens SQLite
// in the data directory OTP_CHAT_DATA_DIR names: a temporary one, never the repository's data/.
const childData = mkdtempSync(join(tmpdir(), 'otp-chat-08-children-'));
process.env.OTP_CHAT_DATA_DIR = childData;
afterAll(() => rmSync(childData, { recursive: true, force: true }));

/**
 * The step, each server it starts on a database of its own, made empty for it and dropped when
 * it stops: one test's rooms and history never show in the next.
 */
function onOwnDatabase(engine: Engine): StepUnderTest {
  return {
    ...step,
    async startChat(config: Partial<ConformanceConfig>) {
      const scratch = await scratchDatabase(engine);
      const { databaseUrl, dataDir } = scratch.location;
      const chat = await step.startChat({ ...config, databaseUrl, dataDir });
      const { port, webPort, wsUrl } = chat;
      return {
        port,
        webPort,
        wsUrl,
        async stop() {
          await chat.stop();
          await scratch.drop();
        },
      };
    },
  };
}

// Every feature on SQLite, the embedded default.
runConformance(onOwnDatabase('sqlite'), manifest, { label: 'on SQLite' });

const problem = await postgresProblem();
if (problem === undefined) {
  // Every feature again on PostgreSQL, each server on a database made for it and dropped; but
  // those the suite starts in processes of their own (to stop one, or weigh it), which cannot
  // be handed a database per server: they share one, emptied before each test.
  const shared = await sharedDatabase();
  runConformance(onOwnDatabase('postgres'), manifest, {
    label: 'on PostgreSQL',
    processes: { env: { DATABASE_URL: shared.url }, config: { databaseUrl: shared.url } },
  });
} else {
  warnNotRun(problem);
  describe.skip('on PostgreSQL (NOT RUN: no PostgreSQL)', () => it('', () => {}));
}

/**
 * A PostgreSQL database for the servers in processes of their own, migrated, emptied before
 * each test (what one test's server stored never shows in the next), dropped after the file.
 */
async function sharedDatabase(): Promise<{ url: string }> {
  const scratch = await scratchDatabase('postgres');
  const store = openStore(scratch.location);
  await migrateToLatest(store.writes, store.engine);
  beforeEach(async () => {
    await store.writes.deleteFrom('messages').execute();
    await store.writes.deleteFrom('rooms').execute();
  });
  afterAll(async () => {
    await store.close();
    await scratch.drop();
  });
  return { url: scratch.location.databaseUrl! };
}
