/**
 * The one-or-a-Set store behind a process's links and timers, and the one-or-an-array store
 * behind its exit hooks: each must behave as the Set or array it replaces, across the change
 * from one item to several and back.
 */
import { describe, expect, it } from 'vitest';
import { exit, link, Process, receive, spawn, spawnMonitor, unlink } from '../../src/index.js';
import { addTo, deleteFrom, type Few, has, itemsOf } from '../../src/kernel/few.js';
import type { Proc } from '../../src/kernel/proc.js';
import { offExit, onExit } from '../../src/kernel/signals.js';

describe('Few', () => {
  it('keeps one item as itself, makes a Set for a second, and forgets items', () => {
    const a = { n: 1 };
    const b = { n: 2 };
    let few: Few<object> = null;
    few = addTo(few, a);
    expect(few).toBe(a);
    few = addTo(few, a);
    expect(few).toBe(a); // adding what is there changes nothing
    few = addTo(few, b);
    expect(few).toBeInstanceOf(Set);
    expect(itemsOf(few)).toEqual([a, b]);
    expect(has(few, a) && has(few, b)).toBe(true);
    few = deleteFrom(few, a);
    expect(itemsOf(few)).toEqual([b]);
    expect(has(few, a)).toBe(false);
    few = deleteFrom(few, b);
    expect(itemsOf(few)).toEqual([]);
    expect(deleteFrom(addTo(null, a), a)).toBeNull();
    expect(deleteFrom(addTo(null, a), b)).toBe(a);
  });
});

describe('links and exit hooks of one, then several', () => {
  it('lists, unlinks and signals links as they come and go', async () => {
    const others = [0, 1, 2].map(() => spawn(() => receive()));
    const pid = spawn(async () => {
      for (const other of others) link(other);
      unlink(others[1]!);
      await receive();
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(Process.info(pid)?.links).toEqual([others[0], others[2]]);
    expect(Process.info(others[1]!)?.links).toEqual([]);
    exit(pid, 'boom');
    await new Promise((resolve) => setImmediate(resolve));
    // Linked, not trapping: they die with it; the one unlinked lives.
    expect(others.map((other) => Process.info(other) !== undefined)).toEqual([false, true, false]);
    exit(others[1]!, 'kill');
  });

  it('runs every hook still registered, in order, after removals from one and from several', async () => {
    const seen: string[] = [];
    const [pid] = spawnMonitor(() => receive());
    const proc = pid.proc as Proc;
    const hook = (name: string) => () => seen.push(name);
    const [a, b, c, d] = [hook('a'), hook('b'), hook('c'), hook('d')];
    onExit(proc, a);
    offExit(proc, a); // the only hook, removed
    onExit(proc, b);
    onExit(proc, c);
    onExit(proc, d);
    offExit(proc, c);
    exit(pid, 'shutdown');
    await receive((m) => (m as { type?: string }).type === 'DOWN');
    expect(seen).toEqual(['b', 'd']);
  });
});
