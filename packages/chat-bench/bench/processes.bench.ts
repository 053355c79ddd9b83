/**
 * `pnpm bench processes`: one process per connection (the session in the transport's process,
 * as @otp-chat/telnet does it) or two (a transport process and a session process, the
 * session's events sent as messages), under the same chat traffic, in one run. Prints, for
 * each, deliveries a second, CPU microseconds per delivery and heap per idle connection, and
 * the ratio two / one. See src/processes.ts for what each shape does and what is left out.
 *
 *   pnpm bench processes                    20 rooms of 50, 5 talkers a room, 40 rounds, 5 runs
 *   pnpm bench processes --quick            tiny sizes: checks that the bench still runs
 *   pnpm bench processes --rooms 100 --members 10 --runs 7
 *   pnpm bench processes --node 24          the same under Node 24
 *
 * The shapes take turns (one, two, one, two, ...) so that a machine that gets busier or calmer
 * during the run weighs on both alike; each figure is the median of the runs.
 */
import { parseArgs } from 'node:util';
import {
  memoryPerConnection,
  runTraffic,
  type Shape,
  type TrafficOptions,
  type TrafficResult,
} from '../src/processes.ts';

const { values } = parseArgs({
  options: {
    rooms: { type: 'string', default: '20' },
    members: { type: 'string', default: '50' },
    talkers: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '40' },
    runs: { type: 'string', default: '5' },
    idle: { type: 'string', default: '2000' },
    quick: { type: 'boolean', default: false },
  },
});
const whole = (name: keyof typeof values) => {
  const number = Number(values[name]);
  if (!Number.isInteger(number) || number < 1) {
    console.error(`--${name}: not a whole number above 0: '${values[name]}'`);
    process.exit(2);
  }
  return number;
};
const traffic: TrafficOptions = values.quick
  ? { rooms: 2, members: 5, talkers: 2, rounds: 3 }
  : {
      rooms: whole('rooms'),
      members: whole('members'),
      talkers: whole('talkers'),
      rounds: whole('rounds'),
    };
const runs = values.quick ? 1 : whole('runs');
const idle = values.quick ? 50 : whole('idle');
if (traffic.talkers > traffic.members) {
  console.error('--talkers cannot be more than --members');
  process.exit(2);
}

const shapes: Shape[] = ['one', 'two'];
const results: Record<Shape, TrafficResult[]> = { one: [], two: [] };
// A first round of each, not counted: the JIT warms up on both shapes' code.
for (const shape of shapes) await runTraffic(shape, traffic);
for (let run = 0; run < runs; run++) {
  for (const shape of shapes) results[shape].push(await runTraffic(shape, traffic));
}
const memory: Record<Shape, number[]> = { one: [], two: [] };
for (let run = 0; run < Math.max(1, Math.min(runs, 3)); run++) {
  for (const shape of shapes) memory[shape].push(await memoryPerConnection(shape, idle));
}

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const figures = (shape: Shape) => ({
  perSecond: median(results[shape].map((r) => r.deliveriesPerSecond)),
  cpuUs: median(results[shape].map((r) => r.cpuUsPerDelivery)),
  bytes: median(memory[shape]),
});
const one = figures('one');
const two = figures('two');
const deliveries = results.one[0]!.deliveries;

const { rooms, members, talkers, rounds } = traffic;
console.log(
  `one or two processes per connection · node ${process.version} · ${rooms} rooms of ${members}, ` +
    `${talkers} talkers a room, ${rounds} rounds (${deliveries} deliveries a run), ` +
    `median of ${runs} runs; heap per connection over ${idle} idle connections`,
);
const row = (cells: string[]) =>
  console.log(cells.map((cell, i) => cell.padStart(i === 0 ? 28 : 14)).join(''));
row(['', 'one process', 'two processes', 'two / one']);
row([
  'deliveries / s',
  one.perSecond.toFixed(0),
  two.perSecond.toFixed(0),
  (two.perSecond / one.perSecond).toFixed(2),
]);
row([
  'CPU µs / delivery',
  one.cpuUs.toFixed(2),
  two.cpuUs.toFixed(2),
  (two.cpuUs / one.cpuUs).toFixed(2),
]);
row([
  'heap bytes / connection',
  one.bytes.toFixed(0),
  two.bytes.toFixed(0),
  (two.bytes / one.bytes).toFixed(2),
]);
