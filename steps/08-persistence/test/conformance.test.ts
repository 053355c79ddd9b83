import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as step from '@otp-chat/08-persistence';
import {
  type ConformanceConfig,
  declaredFeatures,
  runConformance,
  type StepUnderTest,
} from '@otp-chat/conformance';
import type { Engine } from '@otp-chat/store';
import { postgresProblem, scratchDatabase, warnNotRun } from '@otp-chat/store/testing';
import { afterAll, describe, it } from 'vitest';

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

/** The features that start servers in processes of their own (to stop one, or weigh it). */
const OWN_PROCESS = ['telnet-limits', 'websocket-limits', 'overload', 'web-command-line'];

const problem = await postgresProblem();
if (problem === undefined) {
  // Every feature again on PostgreSQL, each server on a database made for it and dropped; but
  // those whose servers run in a process of their own, which keep SQLite in OTP_CHAT_DATA_DIR.
  const features = declaredFeatures(manifest).filter((name) => !OWN_PROCESS.includes(name));
  runConformance(onOwnDatabase('postgres'), manifest, { features, label: 'on PostgreSQL' });
} else {
  warnNotRun(problem);
  describe.skip('on PostgreSQL (NOT RUN: no PostgreSQL)', () => it('', () => {}));
}
