import { describe, expect, it } from 'vitest';
import {
  captureCrashReports,
  exit,
  Process,
  receive,
  spawn,
  spawnMonitor,
} from '../../src/index.js';

/** Resolves with the reason the monitored process exited with. */
async function down(): Promise<unknown> {
  const message = (await receive((m) => (m as { type?: string }).type === 'DOWN')) as {
    reason: unknown;
  };
  return message.reason;
}

describe('Process.onExit', () => {
  it('runs the hook with the reason when the process returns', async () => {
    const seen: unknown[] = [];
    const [pid] = spawnMonitor(() => receive());
    Process.onExit(pid, (reason) => seen.push(reason));
    exit(pid, 'shutdown');
    await down();
    expect(seen).toEqual(['shutdown']);
  });

  it('runs when the process is killed while it waits, where a finally block never runs', async () => {
    const seen: string[] = [];
    const [pid] = spawnMonitor(async () => {
      try {
        await receive();
      } finally {
        seen.push('finally');
      }
    });
    Process.onExit(pid, () => seen.push('hook'));
    exit(pid, 'kill');
    expect(await down()).toBe('killed');
    expect(seen).toEqual(['hook']);
  });

  it('runs before monitors hear of the exit', async () => {
    const order: string[] = [];
    const [pid] = spawnMonitor(() => {
      throw new Error('boom');
    });
    const capture = captureCrashReports();
    Process.onExit(pid, () => order.push('hook'));
    await down();
    order.push('down');
    capture.restore();
    expect(order).toEqual(['hook', 'down']);
  });

  it('runs at once, with noproc, for a pid that has already exited', async () => {
    const pid = spawn(() => {});
    await new Promise((resolve) => setImmediate(resolve));
    const seen: unknown[] = [];
    Process.onExit(pid, (reason) => seen.push(reason));
    expect(seen).toEqual(['noproc']);
  });

  it('reports a hook that throws and still runs the others', async () => {
    const capture = captureCrashReports();
    const seen: string[] = [];
    const [pid] = spawnMonitor(() => receive());
    Process.onExit(pid, () => {
      throw new Error('bad hook');
    });
    Process.onExit(pid, () => seen.push('second'));
    exit(pid, 'kill');
    await down();
    capture.restore();
    expect(seen).toEqual(['second']);
    expect(capture.reports.map((r) => r.context)).toEqual(['in an exit hook']);
  });
});
