import { describe, expect, it } from 'vitest';
import {
  exit,
  link,
  monitor,
  Process,
  receive,
  register,
  self,
  send,
  spawn,
  trapExit,
} from '../../src/index.ts';
import { deferred, exitReason, inProcess, tick } from '../helpers.ts';

describe('Process.info', () => {
  it('tells waiting (blocked in receive) from running (busy or awaiting something else)', async () => {
    const gate = deferred();
    const waiting = spawn(() => receive('never'));
    const awaiting = spawn(() => gate.promise);
    await tick();
    expect(Process.info(waiting)?.status).toBe('waiting');
    expect(Process.info(awaiting)?.status).toBe('running');
    const got = await inProcess(() => Process.info(self())?.status);
    expect(got).toBe('running');
    gate.resolve();
    exit(waiting, 'kill');
  });

  it('counts the messages in the queue', async () => {
    const pid = spawn(() => receive('never'));
    for (let i = 0; i < 3; i++) send(pid, i);
    expect(Process.info(pid)?.messageQueueLength).toBe(3);
    expect(Process.messageQueueLength(pid)).toBe(3);
    exit(pid, 'kill');
    expect(Process.messageQueueLength(pid)).toBeUndefined();
  });

  it('lists links, monitors both ways, the registered name and the trap_exit flag', async () => {
    const other = spawn(() => receive('never'));
    const got = await inProcess(() => {
      const me = self();
      link(other);
      monitor(other);
      register('info_subject', me);
      trapExit(true);
      return { me, mine: Process.info(me), theirs: Process.info(other) };
    });
    expect(got.mine).toMatchObject({
      pid: got.me,
      links: [other],
      monitors: [other],
      monitoredBy: [],
      registeredName: 'info_subject',
      trapExit: true,
    });
    expect(got.theirs).toMatchObject({ links: [got.me], monitoredBy: [got.me], trapExit: false });
    exit(other, 'kill');
  });

  it('is undefined for a process that has exited', async () => {
    const pid = spawn(() => {});
    await exitReason(pid);
    expect(Process.info(pid)).toBeUndefined();
  });

  it('Process.count counts live processes', async () => {
    const before = Process.count();
    const pid = spawn(() => receive('never'));
    expect(Process.count()).toBe(before + 1);
    exit(pid, 'kill');
    expect(Process.count()).toBe(before);
  });
});
