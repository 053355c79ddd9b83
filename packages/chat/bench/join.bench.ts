/**
 * `npx pnpm bench join`: how long a join into a room of 1,000 members takes when the room keeps
 * history (step 7: the last 50 of its 100 messages come with the answer), beside the same join
 * where rooms keep none (steps 5 and 6), measured in the same run, the two taking turns.
 *
 *   npx pnpm bench join              1,000 members, 200 joins a run, 5 runs of each
 *   npx pnpm bench join --quick      100 members, 20 joins, 1 run: checks that it still runs
 *   npx pnpm bench join --node 24    the same under Node 24
 *
 * A join is timed in the joining session's process, from its request to its `joined` event:
 * the room reading the catch-up from the keeper, adding the member and telling the others,
 * and the session's own work. Every process is idle when a join starts (the members have read
 * the previous join's news), and the joiner leaves after, so the room stays at its size.
 */
import { parseArgs } from 'node:util';
import {
  exit,
  type Pid,
  Registry,
  receive,
  Supervisor,
  send,
  spawn,
  whenIdle,
} from '@otp-chat/otp';
import {
  ChatSupervisor,
  type HistoryOptions,
  Session,
  type SessionEvent,
  type SessionRequest,
  USERS,
} from '../src/index.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const members = values.quick ? 100 : 1_000;
const joins = values.quick ? 20 : 200;
const runs = values.quick ? 1 : 5;
const SAID = 100;
const REPLAY = 50;
const ROOM = 'lobby';

/** A user: a process running a session, told requests as messages; its events are dropped. */
function user(): Pid {
  return spawn(async () => {
    const session = new Session({ transport: 'bench', emit: () => {} });
    for (;;) {
      const message = await receive();
      if (isRequest(message)) await session.handle(message[1]);
      else await session.handleInfo(message);
    }
  });
}

function isRequest(message: unknown): message is readonly ['request', SessionRequest] {
  return (message as unknown[] | null)?.[0] === 'request';
}

/**
 * Joins `ROOM` as `name` once, timed from the request to the `joined` event (which must show
 * `replayed` messages), then leaves.
 */
function timedJoin(name: string, replayed: number): Promise<number> {
  return new Promise((resolve, reject) => {
    spawn(async () => {
      let joinedAt = 0;
      const session = new Session({
        transport: 'bench',
        replay: REPLAY,
        emit: (event: SessionEvent) => {
          if (event.type !== 'joined') return;
          joinedAt = performance.now();
          // What is timed must be what it says: the history shown, or none.
          const shown = event.history?.messages.length ?? 0;
          if (shown !== replayed) reject(new Error(`${name}: ${shown} messages shown`));
        },
      });
      await session.handle({ type: 'name', name });
      const start = performance.now();
      await session.handle({ type: 'join', room: ROOM });
      if (joinedAt === 0) return reject(new Error(`${name}: no joined event`));
      await session.handle({ type: 'leave', room: ROOM });
      resolve((joinedAt - start) * 1000);
    });
  });
}

/** A tree of rooms (with `history`, or none) and users, a full room, then `joins` timed joins. */
async function run(history: Partial<HistoryOptions> | undefined): Promise<number[]> {
  const limits = { messagesPerSecond: 1_000_000, messageBurst: 1_000_000 };
  const started = await Supervisor.start(
    [
      {
        id: 'rooms',
        start: () => ChatSupervisor.startLink(limits, history),
        type: 'supervisor' as const,
      },
      { id: USERS, start: () => Registry.startLink({ keys: 'unique', name: USERS }) },
    ],
    { strategy: 'one_for_one' },
  );
  const tree = (started as readonly ['ok', Pid])[1];
  const pids = Array.from({ length: members }, user);
  pids.forEach((pid, i) => {
    send(pid, ['request', { type: 'name', name: `member${i}` }]);
    send(pid, ['request', { type: 'join', room: ROOM }]);
  });
  await whenIdle();
  for (let i = 0; i < SAID; i++) {
    send(pids[0]!, [
      'request',
      { type: 'say', room: ROOM, text: `message ${i} `.padEnd(100, 'x') },
    ]);
  }
  await whenIdle();
  const micros: number[] = [];
  for (let i = 0; i < joins; i++) {
    micros.push(await timedJoin(`joiner${i}`, history === undefined ? 0 : REPLAY));
    await whenIdle();
  }
  await Supervisor.stop(tree);
  for (const pid of pids) exit(pid, 'kill');
  await whenIdle();
  return micros;
}

function percentile(figures: readonly number[], p: number): number {
  const sorted = [...figures].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

console.log(
  `join bench: Node ${process.version}, a room of ${members} members that said ${SAID} ` +
    `messages, ${joins} joins a run, ${runs} run(s) of each, taking turns`,
);
const withHistory: number[] = [];
const without: number[] = [];
for (let i = 0; i < runs; i++) {
  without.push(...(await run(undefined)));
  withHistory.push(...(await run({ historyLength: SAID })));
}
const row = (label: string, figures: readonly number[]) =>
  console.log(
    `  ${label.padEnd(34)} p50 ${percentile(figures, 50).toFixed(0).padStart(6)} µs` +
      `   p99 ${percentile(figures, 99).toFixed(0).padStart(6)} µs`,
  );
row('no history (steps 5, 6):', without);
row(`with history, ${REPLAY} messages shown:`, withHistory);
console.log(
  `  ratio with / without: p50 ${(percentile(withHistory, 50) / percentile(without, 50)).toFixed(2)} x` +
    `, p99 ${(percentile(withHistory, 99) / percentile(without, 99)).toFixed(2)} x`,
);
