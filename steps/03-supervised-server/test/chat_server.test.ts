import { ChatServer, ChatSupervisor, Message, NAME } from '@otp-chat/03-supervised-server';
import {
  type CrashReport,
  captureCrashReports,
  ExitError,
  exit,
  GenServer,
  isAlive,
  monitor,
  type Pid,
  receive,
  Supervisor,
  send,
  TIMEOUT,
  unlink,
  whereis,
} from '@otp-chat/otp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

let supervisor: Pid | undefined;
let crashes: { reports: CrashReport[]; restore(): void };

beforeEach(() => {
  crashes = captureCrashReports();
});

afterEach(async () => {
  if (supervisor !== undefined && isAlive(supervisor)) await Supervisor.stop(supervisor);
  supervisor = undefined;
  crashes.restore();
  vi.restoreAllMocks();
});

/** Starts the supervisor (and so the room). The test is no part of the tree: it unlinks. */
async function startTree(): Promise<Pid> {
  const result = await ChatSupervisor.startLink();
  if (result === 'ignore' || result[0] === 'error')
    throw new Error(`the supervisor did not start: ${String(result)}`);
  supervisor = result[1];
  unlink(supervisor);
  return supervisor;
}

function room(): Pid {
  const pid = whereis(NAME);
  if (pid === undefined) throw new Error(`nothing is registered as ${NAME}`);
  return pid;
}

/**
 * Waits until the supervisor has dealt with the room's exit. The exit signal reached it before
 * this request, and it handles its mailbox in order, so its reply comes after the restart.
 */
async function supervisorCaughtUp(sup: Pid): Promise<void> {
  await Supervisor.countChildren(sup);
}

describe('the client API', () => {
  it('reaches the room through its name', async () => {
    await startTree();
    expect(await ChatServer.createMessage('hello world')).toEqual([
      'ok',
      new Message('hello world'),
    ]);
    expect(await ChatServer.createMessage({ content: 'hi', username: 'gage' })).toEqual([
      'ok',
      new Message('hi', 'gage'),
    ]);
    expect(await ChatServer.getMessages()).toEqual([
      new Message('hello world'),
      new Message('hi', 'gage'),
    ]);
  });

  it('talks to the process the supervisor started', async () => {
    const sup = await startTree();
    const [child] = await Supervisor.whichChildren(sup);
    expect(child?.id).toBe(NAME);
    expect(child?.pid).toBe(room());
    expect(await GenServer.call(room(), 'get_messages')).toEqual([]);
  });

  it('fails with noproc when no room is running', async () => {
    await expect(ChatServer.getMessages()).rejects.toMatchObject({ code: 'noproc' });
    await expect(ChatServer.createMessage('anyone?')).rejects.toMatchObject({ code: 'noproc' });
  });

  it('will not start a second room under the same name', async () => {
    await startTree();
    expect(await ChatServer.startLink()).toEqual(['error', ['already_started', room()]]);
  });
});

describe('supervision', () => {
  it('restarts a killed room under the same name, with a new pid and no messages', async () => {
    const sup = await startTree();
    await ChatServer.createMessage('lost when the room dies');
    const before = room();

    exit(before, 'kill');
    await supervisorCaughtUp(sup);

    expect(isAlive(before)).toBe(false);
    expect(room()).not.toBe(before);
    expect(await ChatServer.getMessages()).toEqual([]);
    expect(await ChatServer.createMessage('still works')).toEqual([
      'ok',
      new Message('still works'),
    ]);
    expect(crashes.reports.map((r) => r.reason)).toContain('killed');
  });

  it('restarts a room that crashed inside a handler', async () => {
    const sup = await startTree();
    await ChatServer.createMessage('before the crash');
    const before = room();

    // An unknown call matches no clause: the room crashes, and the caller gets the exit.
    await expect(GenServer.call(NAME, 'no such request')).rejects.toBeInstanceOf(ExitError);
    await supervisorCaughtUp(sup);

    expect(room()).not.toBe(before);
    expect(await ChatServer.getMessages()).toEqual([]);
    const crash = crashes.reports.find((r) => r.kind === 'gen_server');
    expect(String(crash?.reason)).toContain('unknown call');
  });

  it('gives up after more than 3 restarts in 5 seconds, and exits', async () => {
    const sup = await startTree();
    const watch = monitor(sup);
    // Three kills in a row are within the supervisor's allowance: each room is replaced.
    for (let i = 0; i < 3; i++) {
      const before = room();
      exit(before, 'kill');
      await supervisorCaughtUp(sup);
      expect(room()).not.toBe(before);
    }
    // The fourth is one restart too many: the supervisor stops its children and exits.
    exit(room(), 'kill');
    const down = await receive({ type: 'DOWN', ref: watch }, 10_000);
    expect(down).not.toBe(TIMEOUT);
    expect(down).toMatchObject({ pid: sup, reason: 'shutdown' });
    expect(whereis(NAME)).toBeUndefined();
  });
});

describe('stray messages', () => {
  it('are dropped with a warning, and the room keeps its messages', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await startTree();
    await ChatServer.createMessage('kept');
    const before = room();
    send(NAME, ['create', 'the old protocol']);
    expect(await ChatServer.getMessages()).toEqual([new Message('kept')]);
    expect(room()).toBe(before);
    expect(String(warn.mock.calls[0]?.[0])).toContain("[ 'create', 'the old protocol' ]");
  });
});
