/**
 * Code a process leaves behind (a timer, an event listener, the rest of an async function) may
 * run after the process has exited. Such code can no longer act: what it sends is dropped, what
 * it waits for never comes, and nothing it calls throws, so it can never take the node down.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  type CrashReport,
  cancelTimer,
  captureCrashReports,
  exit,
  type From,
  formatCrashReport,
  GenServer,
  type GenServerModule,
  isAlive,
  link,
  monitor,
  type Pid,
  Process,
  Registry,
  receive,
  receiveMany,
  register,
  self,
  send,
  sendAfter,
  spawn,
  spawnLink,
  spawnMonitor,
  trapExit,
  unregister,
  whereis,
} from '../../src/index.ts';
import { deferred, tick } from '../helpers.ts';

const Echo = {
  init: () => ['ok', [] as unknown[]] as const,
  handleCall: (_r: 'seen', _f: From, seen: unknown[]) => ['reply', seen, seen] as const,
  handleCast: (request: unknown, seen: unknown[]) => ['noreply', [...seen, request]] as const,
  handleInfo: (message: unknown, seen: unknown[]) => ['noreply', [...seen, message]] as const,
} satisfies GenServerModule<unknown[], null>;

/** Runs `leftover` as code that `victim`, now dead, left behind; resolves to what it returned. */
async function afterDeath<T>(leftover: () => T): Promise<{ victim: Pid; result: T }> {
  const ran = deferred<T>();
  const victim = spawn(async () => {
    setTimeout(() => ran.resolve(leftover()), 5);
    await receive('never');
  });
  await tick();
  exit(victim, 'kill');
  return { victim, result: await ran.promise };
}

describe('leftover callbacks of a dead process', () => {
  it('act on nothing: sends are dropped, spawns start nothing, links and monitors tie nothing', async () => {
    const crashes = captureCrashReports();
    const [, server] = (await GenServer.start(Echo, null)) as ['ok', Pid];
    const holder = spawn(() => receive('never'));
    register('holder', holder);
    const before = Process.count();
    await Registry.start({ keys: 'unique', name: 'leftover_registry' });
    const { victim, result } = await afterDeath(() => ({
      self: self(),
      send: send(server, 'sent'),
      cast: GenServer.cast(server, 'cast'),
      signal: exit(holder, 'kill'),
      spawned: [spawn(() => send(server, 'child')), spawnLink(() => {}), spawnMonitor(() => {})[0]],
      link: link(holder),
      monitor: monitor(holder),
      trapped: trapExit(true),
      unregister: unregister('holder'),
      timer: sendAfter(server, 'timer', 1),
      registered: Registry.register('leftover_registry', 'key', 'value'),
    }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    crashes.restore();

    expect(result.self).toBe(victim);
    expect(result.send).toBe('sent');
    expect(result.spawned.map(isAlive)).toEqual([false, false, false]);
    expect(Process.count()).toBe(before + 1); // the registry, and no process of the dead one's
    expect(await GenServer.call(server, 'seen')).toEqual([]);
    expect(isAlive(holder)).toBe(true);
    expect(whereis('holder')).toBe(holder);
    expect(Process.info(holder)?.links).toEqual([]);
    expect(Process.info(holder)?.monitoredBy).toEqual([]);
    expect(cancelTimer(result.timer)).toBe(false);
    expect(Registry.lookup('leftover_registry', 'key')).toEqual([]);
    // One warning for the dead process, naming it and the first thing that was dropped.
    expect(crashes.reports).toEqual([
      expect.objectContaining({ kind: 'process', level: 'warning', pid: victim }),
    ]);
    const [warning] = crashes.reports as [CrashReport];
    expect(formatCrashReport(warning)).toBe(
      `=WARNING REPORT= process ${victim} exited (killed), and code it left behind (a timer, ` +
        `an event handler) still runs; all it does is dropped, first: send to ${server}`,
    );
    exit(holder, 'kill');
    await GenServer.stop(server);
  });

  it('wait for ever: receive, receiveMany, call and stop never settle, and never throw', async () => {
    const crashes = captureCrashReports();
    const [, server] = (await GenServer.start(Echo, null)) as ['ok', Pid];
    const { result } = await afterDeath(() => [
      receive(),
      receiveMany(),
      GenServer.call(server, 'seen'),
      GenServer.stop(server),
      GenServer.start(Echo, null),
    ]);
    crashes.restore();
    const outcomes = result.map((wait) =>
      wait.then(
        () => 'settled',
        () => 'rejected',
      ),
    );
    const waited = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 50));
    for (const outcome of outcomes)
      expect(await Promise.race([outcome, waited])).toBe('still waiting');
    // The call never reached the server, and the stop did not stop it.
    expect(isAlive(server)).toBe(true);
    expect(await GenServer.call(server, 'seen')).toEqual([]);
    await GenServer.stop(server);
  });

  it('do not take the node down: a server with a dead process’s timers goes on serving', async () => {
    const fixture = fileURLToPath(new URL('../fixtures/leftover-timer.ts', import.meta.url));
    const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', fixture],
      { cwd: packageRoot, timeout: 60_000 },
    );
    // It exited 0 (execFile rejects otherwise), after every leftover callback had fired.
    const lines = stdout.trim().split('\n');
    expect(lines).toEqual(['server counted 0 messages', expect.stringMatching(/^doomed was #PID/)]);
    const doomed = (lines[1] as string).slice('doomed was '.length);
    // One warning, naming the dead process; the listener stopped at its receive.
    const warnings = stderr.split('\n').filter((line) => line.startsWith('=WARNING REPORT='));
    expect(warnings).toEqual([
      expect.stringContaining(`process ${doomed} exited (killed), and code it left behind`),
    ]);
    expect(stderr).not.toMatch(/CRASH REPORT|Error/);
  });
});
