import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Chat,
  ChatClient,
  openStore,
  RETENTION_JOB,
  RetentionJob,
  startChat,
} from '@otp-chat/08-persistence';
import { whereis } from '@otp-chat/otp';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

// Retention in the step: the job is in the tree when a limit is set, and only then, and what
// it deletes is gone from the database.
const running: Chat[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const chat of running.splice(0)) await chat.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function started(options: Parameters<typeof startChat>[0] = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'otp-chat-08-retention-'));
  dirs.push(dataDir);
  const chat = await startChat({ port: 0, webPort: 0, dataDir, ...options });
  running.push(chat);
  return { chat, dataDir };
}

describe('retention', () => {
  it('runs no job when no limit is set', async () => {
    await started();
    expect(whereis(RETENTION_JOB)).toBeUndefined();
  });

  it('keeps the newest --retention-max-messages of a room, deleting the rest', async () => {
    const { chat, dataDir } = await started({ retentionMaxMessages: 3 });
    const job = whereis(RETENTION_JOB);
    expect(job).toBeDefined();
    const ada = await ChatClient.connect(chat.wsUrl, { WebSocket });
    ada.join('lobby', 'ada');
    await ada.expect('joined');
    for (let n = 1; n <= 5; n++) {
      ada.say('lobby', `m${n}`);
      await ada.expect('message', (message) => message.text === `m${n}`);
    }
    const swept = await RetentionJob.sweepNow(job!);
    expect(swept).toEqual(['ok', { byAge: 0, byCount: 2 }]);
    const store = openStore({ dataDir });
    try {
      const kept = await store.db.selectFrom('messages').select('content').orderBy('seq').execute();
      expect(kept.map((row) => row.content)).toEqual(['m3', 'm4', 'm5']);
    } finally {
      await store.close();
    }
    ada.close();
  });
});
