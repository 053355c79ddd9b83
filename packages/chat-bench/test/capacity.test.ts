import { describe, expect, it } from 'vitest';
import {
  isLowerBound,
  judgeStep,
  limitOf,
  type StepFigures,
  searchCapacity,
} from '../src/capacity.ts';

/** A step that held comfortably on a quiet 2-core machine. */
const calm: StepFigures = {
  latencyMs: { p99: 12 },
  lost: 0,
  errors: {},
  disconnects: 0,
  serverCpu: 0.5,
  workerCpu: 0.5,
  workerCpuMax: 0.3,
  sendLagMs: { p99: 1 },
  loopDelayMs: { p99: 2 },
  serverCpusBusy: 0.55,
};

/** The load pinned to one CPU. */
const cpus = 1;

/** A server that holds every scale up to `capacity`, probed in the search's order. */
function serverHolding(capacity: number) {
  const probed: number[] = [];
  const probe = async (scale: number) => {
    probed.push(scale);
    return { scale, held: scale <= capacity };
  };
  return { probed, probe };
}

describe('searchCapacity', () => {
  it('doubles until a step fails, then bisects until within the precision', async () => {
    const { probed, probe } = serverHolding(3.3);
    const search = await searchCapacity(probe, {
      precision: 1.1,
      maxSteps: 20,
      canOffer: () => true,
    });
    expect(probed.slice(0, 3)).toEqual([1, 2, 4]);
    expect(search.stop).toBe('precision');
    expect(search.held!.scale).toBeLessThanOrEqual(3.3);
    expect(search.failed!.scale).toBeGreaterThan(3.3);
    expect(search.failed!.scale / search.held!.scale).toBeLessThanOrEqual(1.1);
    // Each bisection probes between the highest held and the lowest failed so far.
    expect(probed[3]).toBeCloseTo(Math.sqrt(8));
    expect(search.steps).toHaveLength(probed.length);
  });

  it('halves when the first step fails, and gives up below the floor', async () => {
    const below = serverHolding(0.3);
    const found = await searchCapacity(below.probe, {
      precision: 1.5,
      maxSteps: 20,
      canOffer: () => true,
    });
    expect(below.probed.slice(0, 3)).toEqual([1, 0.5, 0.25]);
    expect(found.held!.scale).toBeLessThanOrEqual(0.3);
    const none = serverHolding(0);
    const nothing = await searchCapacity(none.probe, {
      precision: 1.5,
      maxSteps: 20,
      canOffer: () => true,
      minScale: 0.1,
    });
    expect(nothing.stop).toBe('floor');
    expect(nothing.held).toBeNull();
    expect(none.probed).toEqual([1, 0.5, 0.25, 0.125]);
  });

  it('stops at the step limit, and where the plan cannot offer more', async () => {
    const fast = serverHolding(1000);
    const cut = await searchCapacity(fast.probe, {
      precision: 1.1,
      maxSteps: 3,
      canOffer: () => true,
    });
    expect(cut).toMatchObject({ stop: 'steps', failed: null });
    expect(fast.probed).toEqual([1, 2, 4]);
    const few = serverHolding(1000);
    const out = await searchCapacity(few.probe, {
      precision: 1.1,
      maxSteps: 20,
      canOffer: (scale) => scale <= 8,
    });
    expect(out.stop).toBe('senders');
    expect(out.held!.scale).toBe(8);
  });
});

describe('judgeStep', () => {
  it('holds a calm step, and fails one on latency, loss, refusal or a late load', () => {
    expect(judgeStep(calm, cpus)).toEqual({ held: true, failedOn: [], saturated: [] });
    expect(judgeStep({ ...calm, latencyMs: { p99: 100 } }, cpus).failedOn).toEqual(['p99 100 ms']);
    expect(judgeStep({ ...calm, lost: 3 }, cpus).failedOn).toEqual(['3 lost']);
    expect(judgeStep({ ...calm, errors: { RATE_LIMITED: 2 } }, cpus).failedOn).toEqual([
      '2 refused',
    ]);
    // A sender late by a burst's worth still offers the rate: the step holds, and says so.
    const jittery = judgeStep({ ...calm, sendLagMs: { p99: 60 } }, cpus);
    expect(jittery).toEqual({ held: true, failedOn: [], saturated: ['load'] });
    const late = judgeStep({ ...calm, sendLagMs: { p99: 120 } }, cpus);
    expect(late.held).toBe(false);
    expect(late.failedOn).toEqual(['the load sent late (p99 120 ms)']);
  });

  it('says what was at its limit, and the limit puts the server first', () => {
    const busy = judgeStep(
      { ...calm, latencyMs: { p99: 400 }, serverCpu: 0.97, workerCpuMax: 0.95, serverCpusBusy: 1 },
      cpus,
    );
    // A server using its whole CPU is at its own limit, not short of CPU.
    expect(busy.saturated).toEqual(['server', 'load']);
    expect(limitOf(busy)).toBe('server');
    const loadBound = judgeStep(
      { ...calm, latencyMs: { p99: 150 }, loopDelayMs: { p99: 60 }, serverCpusBusy: 0.95 },
      cpus,
    );
    expect(limitOf(loadBound)).toBe('load');
    // The server at 60% on a CPU 95% busy: something else took what it needed.
    const shared = judgeStep(
      { ...calm, latencyMs: { p99: 150 }, serverCpu: 0.6, serverCpusBusy: 0.95 },
      cpus,
    );
    expect(shared.saturated).toEqual(['machine']);
    expect(limitOf(shared)).toBe('machine');
    // Two workers sharing the one CPU the load has, each at half of it: the load is full.
    const pinned = judgeStep({ ...calm, latencyMs: { p99: 150 }, workerCpu: 0.95 }, cpus);
    expect(limitOf(pinned)).toBe('load');
    // Unpinned, two workers may use two CPUs: at 0.95 cores in all they are not full.
    expect(judgeStep({ ...calm, workerCpu: 0.95 }, 2).saturated).toEqual([]);
    // Late with nothing at its limit: the server's own doing (pauses), not a floor.
    expect(limitOf(judgeStep({ ...calm, latencyMs: { p99: 150 } }, cpus))).toBe('server');
  });

  it('takes only a server-bound capacity as the server figure', () => {
    expect(isLowerBound('server')).toBe(false);
    for (const limit of ['load', 'machine', 'senders', 'steps'] as const)
      expect(isLowerBound(limit)).toBe(true);
  });
});
