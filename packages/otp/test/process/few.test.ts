/**
 * The one, a-few-or-a-Set store behind a process's links and timers, and the one-or-an-array store
 * behind its exit hooks: each must behave as the Set or array it replaces, across the change
 * from one item to several and back.
 */
import { describe, expect, it } from 'vitest';
import { exit, link, Process, receive, spawn, spawnMonitor, unlink } from '../../src/index.js';
import { addTo, deleteFrom, type Few, has, itemsOf, SMALL } from '../../src/kernel/few.js';
import type { Proc } from '../../src/kernel/proc.js';
import { offExit, onExit } from '../../src/kernel/signals.js';

describe('Few', () => {
  it('keeps one item as itself, makes an array for a second, and forgets items', () => {
    const a = { n: 1 };
    const b = { n: 2 };
    let few: Few<object> = null;
    few = addTo(few, a);
    expect(few).toBe(a);
    few = addTo(few, a);
    expect(few).toBe(a); // adding what is there changes nothing
    few = addTo(few, b);
    expect(few).toEqual([a, b]);
    expect(addTo(few, b)).toBe(few);
    expect(itemsOf(few)).toEqual([a, b]);
    expect(has(few, a) && has(few, b)).toBe(true);
    few = deleteFrom(few, a);
    expect(few).toBe(b); // one item again: itself
    expect(has(few, a)).toBe(false);
    few = deleteFrom(few, b);
    expect(itemsOf(few)).toEqual([]);
    expect(deleteFrom(addTo(null, a), a)).toBeNull();
    expect(deleteFrom(addTo(null, a), b)).toBe(a);
  });

  it('copies an array on change, and makes a Set past SMALL items', () => {
    const items = Array.from({ length: SMALL + 2 }, (_, n) => ({ n }));
    let few: Few<object> = null;
    const seen: Few<object>[] = [];
    for (const item of items.slice(0, SMALL)) {
      few = addTo(few, item);
      seen.push(few);
    }
    expect(Array.isArray(few)).toBe(true);
    expect(itemsOf(few)).toEqual(items.slice(0, SMALL));
    // An earlier snapshot is left as it was.
    expect(itemsOf(seen[1] ?? null)).toEqual(items.slice(0, 2));
    const array = few;
    few = deleteFrom(few, items[3]!);
    expect(itemsOf(array)).toEqual(items.slice(0, SMALL));
    expect(itemsOf(few)).toEqual(items.slice(0, SMALL).filter((_, n) => n !== 3));
    few = addTo(addTo(addTo(few, items[3]!), items[SMALL]!), items[SMALL + 1]!);
    expect(few).toBeInstanceOf(Set);
    expect(itemsOf(few)).toHaveLength(SMALL + 2);
    for (const item of items) expect(has(few, item)).toBe(true);
    few = deleteFrom(few, items[0]!);
    expect(has(few, items[0]!)).toBe(false);
    expect(itemsOf(few)).toHaveLength(SMALL + 1);
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
