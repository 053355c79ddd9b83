/**
 * The persistence scenario's plan (which clients talk at the fixed rate, which flood) and its
 * report (step 08's figures against step 07's, and the verdicts), on made-up results: fast,
 * no server started. The smoke test runs the scenario itself.
 */
import { describe, expect, it } from 'vitest';
import { dealClients, dealSenders } from '../src/deal.ts';
import type { Measured } from '../src/measure.ts';
import { smokeSizes } from '../src/options.ts';
import { floodersByWorker, type PersistenceResult } from '../src/persistence.ts';
import { addedLatencyTarget, persistenceTable, ratios, throughputTarget } from '../src/report.ts';
import { clientCount, persistencePlan } from '../src/scenarios.ts';

const sizes = { ...smokeSizes, persistRate: 1000, senderRate: 5, persistRoomSize: 10 };

describe('persistencePlan', () => {
  it('talks at the fixed rate in rooms where every member talks, and floods in rooms of one', () => {
    const plan = persistencePlan({ ...sizes, floodRooms: 7 });
    expect(plan.latencyRooms).toHaveLength(20);
    expect(plan.latencyRooms.every((room) => room.members === 10)).toBe(true);
    expect(plan.latencyRooms.reduce((sum, room) => sum + room.rate, 0)).toBeCloseTo(1000);
    expect(plan.floodRooms).toHaveLength(7);
    expect(plan.floodRooms.every((room) => room.members === 1 && room.rate === 0)).toBe(true);
    expect(plan.rooms).toEqual([...plan.latencyRooms, ...plan.floodRooms]);
    // Every member of a latency room talks, none over the sender rate; no flooder talks.
    const senders = dealSenders(plan.latencyRooms, 2, sizes.senderRate, 1).flat();
    expect(senders).toHaveLength(200);
    expect(Math.max(...senders.map((s) => s.rate))).toBeLessThanOrEqual(5);
  });

  it('gives the last latency room its share of the rate when it is smaller', () => {
    const plan = persistencePlan({ ...sizes, persistRate: 130, persistRoomSize: 10 });
    expect(plan.latencyRooms.map((room) => room.members)).toEqual([10, 10, 6]);
    expect(plan.latencyRooms.map((room) => room.rate)).toEqual([50, 50, 30]);
  });

  it("names the flood rooms' clients as dealClients deals them to each worker", () => {
    const plan = persistencePlan({ ...sizes, persistRate: 15, persistRoomSize: 2, floodRooms: 3 });
    for (const workers of [1, 2, 3]) {
      const dealt = dealClients(plan.rooms, workers);
      const flooding = floodersByWorker(plan, workers).flatMap((indices, worker) =>
        indices.map((i) => dealt[worker]![i]!.room),
      );
      expect(flooding.sort()).toEqual(['flood1', 'flood2', 'flood3']);
    }
    expect(clientCount(plan.rooms)).toBe(3 + 3);
  });
});

/** A run at the fixed rate with these latencies (ms) and nothing lost. */
function latency(p50: number, p99: number): Measured {
  return {
    durationSeconds: 10,
    sent: 10_000,
    lost: 0,
    latencyMs: { p50, p99, max: p99, mean: p50 },
    serverCpuPerDeliveryUs: 10,
    otherCpu: 0,
  } as Measured;
}

function result(
  server: PersistenceResult['server'],
  engine: PersistenceResult['engine'],
  perSecond: number,
  p50: number,
  p99: number,
  extra: Partial<PersistenceResult['throughput']> = {},
): PersistenceResult {
  return {
    scenario: 'persistence',
    server,
    kind: 'persistence',
    engine,
    database: null,
    throughput: {
      clients: 50,
      window: 20,
      seconds: 4,
      sent: perSecond * 5,
      answered: perSecond * 5,
      answeredMeasured: perSecond * 4,
      perSecond,
      errors: {},
      unanswered: 0,
      disconnects: 0,
      latencyMs: { p50: 1, p99: 2, max: 3, mean: 1 },
      serverCpu: 1,
      serverCpuPerMessageUs: 1e6 / perSecond,
      workerCpu: 0.5,
      workerCpuMax: 0.5,
      storedRows: engine === 'none' ? null : perSecond * 5,
      verified: true,
      ...extra,
    },
    latency: latency(p50, p99),
  } as PersistenceResult;
}

describe('the persistence report', () => {
  const baseline = result('otp-chat', 'none', 40_000, 1, 8);
  const sqlite = result('otp-chat-08-sqlite', 'sqlite', 25_000, 2, 12);
  const pg = result('otp-chat-08-pg', 'postgres', 10_000, 4, 30);

  it('sets step 08 over step 07, not the other way round', () => {
    const list = ratios([baseline, sqlite, pg]);
    const of = (pair: string, figure: string) =>
      list.find((r) => r.pair === pair && r.figure === figure)?.value;
    expect(of('otp-chat-08-sqlite / otp-chat', 'messages/s persisted (answered)')).toBeCloseTo(
      0.625,
    );
    expect(of('otp-chat-08-pg / otp-chat', 'p99 latency at the fixed rate')).toBeCloseTo(3.75);
    expect(list.some((r) => r.pair.startsWith('otp-chat /'))).toBe(false);
  });

  it('judges the throughput on SQLite against 20,000 a second, every message stored', () => {
    expect(throughputTarget([baseline, sqlite, pg]).verdict).toBe('met');
    expect(throughputTarget([baseline, sqlite, pg]).ratio).toBeCloseTo(0.625);
    const slow = result('otp-chat-08-sqlite', 'sqlite', 15_000, 2, 12);
    expect(throughputTarget([baseline, slow]).verdict).toBe('not met');
    const missing = result('otp-chat-08-sqlite', 'sqlite', 25_000, 2, 12, { verified: false });
    expect(throughputTarget([baseline, missing]).verdict).toBe('not met');
    // Short, with the server's core not full and the load's full: a floor, undecided.
    const loadBound = result('otp-chat-08-sqlite', 'sqlite', 15_000, 2, 12, {
      serverCpu: 0.6,
      workerCpuMax: 0.95,
    });
    expect(throughputTarget([baseline, loadBound]).verdict).toBe('undecided');
    expect(throughputTarget([baseline, pg]).verdict).toBe('not run');
  });

  it('judges the added p99 against step 07 of the same run, per engine', () => {
    const onSqlite = addedLatencyTarget([baseline, sqlite, pg], 'sqlite');
    expect(onSqlite.verdict).toBe('met');
    expect(onSqlite.measured).toContain('+4.00 ms');
    expect(onSqlite.target).toContain('1000 msg/s');
    expect(addedLatencyTarget([baseline, sqlite, pg], 'postgres').verdict).toBe('not met');
    expect(addedLatencyTarget([sqlite, pg], 'postgres').verdict).toBe('not run');
  });

  it('prints a line per server, with what step 08 adds', () => {
    const text = persistenceTable([baseline, sqlite, pg]);
    expect(text.split('\n')).toHaveLength(5);
    expect(text).toContain('125000 / 125000');
    expect(text).toContain('+22.0');
  });
});
