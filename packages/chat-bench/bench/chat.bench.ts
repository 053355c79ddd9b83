/**
 * `pnpm bench:chat` (or `pnpm bench chat`): the chat server under load, next to the servers
 * it should be compared with, in one run: a raw ws server (the ceiling for WebSockets),
 * Socket.IO, and a raw node:net line server (the ceiling for telnet). In each load scenario it
 * measures at a fixed rate (latency and CPU per delivery below saturation), then searches for
 * each server's capacity: the highest rate at which p99 latency stays under 100 ms and nothing
 * is lost. Prints tables and writes every figure, the ratios otp-chat / peer and the verdict on
 * each target, as JSON to .bench/chat.json. See the package's README for what each scenario
 * and each server does, and how to read a capacity.
 *
 *   pnpm bench:chat                      every scenario, every server (8 minutes on 2 cores)
 *   pnpm bench:chat --smoke              tiny sizes (a minute): checks that it all still runs
 *   pnpm bench:chat --mode capacity --scenarios rooms --servers otp-chat,ws
 *   pnpm bench:chat --mode fixed --scenarios fanout --servers otp-chat,ws --fanout-rate 400
 *   pnpm bench:chat --profile --servers otp-chat     where the server's time goes
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canPin, fdLimits, maxFds } from '../src/children.ts';
import { parseOptions, USAGE } from '../src/options.ts';
import { type PersistenceResult, postgresProblem, runPersistence } from '../src/persistence.ts';
import { formatProfile } from '../src/profile.ts';
import {
  capacityNotes,
  capacityTable,
  idleTable,
  loadTable,
  persistenceTable,
  ratios,
  ratioTable,
  targets,
  targetTable,
} from '../src/report.ts';
import {
  type CapacityResult,
  type IdleResult,
  type LoadResult,
  type RunResult,
  runIdle,
  runLoad,
} from '../src/runner.ts';
import { scenarioPlan } from '../src/scenarios.ts';
import type { Placement } from '../src/session.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function options() {
  try {
    return parseOptions(process.argv.slice(2), {
      out: resolve(root, '.bench/chat.json'),
      profileDir: resolve(root, '.bench/profiles'),
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

/**
 * The code measured: the commit, and any file of the server's code changed since (other people
 * may be editing the runtime while the bench runs).
 */
function sourceState(): { commit: string; uncommitted: string[] } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
  try {
    const paths = [
      'packages/otp/src',
      'packages/net/src',
      'packages/chat/src',
      'packages/store/src',
      'steps/06-websocket-chat/src',
      'steps/07-history-presence/src',
      'steps/08-persistence/src',
    ];
    return {
      commit: git('rev-parse', '--short', 'HEAD').trim(),
      uncommitted: git('status', '--porcelain', '--', ...paths)
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => line.slice(3)),
    };
  } catch {
    return { commit: 'unknown', uncommitted: [] };
  }
}

/**
 * With two CPUs or more, the server gets CPU 0 to itself and the load workers the others:
 * the load generator, which costs about as much per delivery as the server, then cannot take
 * the server's CPU, and a server at 100% is at its own limit, not the load's.
 */
function placementOf(pin: boolean, cores: number): Placement | null {
  if (!pin || cores < 2 || !canPin()) return null;
  return { server: '0', load: cores === 2 ? '1' : `1-${cores - 1}` };
}

async function main(): Promise<void> {
  const opts = options();
  const cpu = cpus();
  const limits = fdLimits();
  const machine = {
    node: process.version,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryBytes: totalmem(),
    loadAverage: loadavg(),
    fdLimits: limits,
  };
  const source = sourceState();
  console.log(
    `node ${machine.node}, ${machine.cpu} (${machine.cores} cores), load average ${machine.loadAverage.map((n) => n.toFixed(2)).join(' ')}`,
  );
  console.log(
    `open files per process: soft ${limits.soft ?? 'unlimited'}, hard ${limits.hard ?? 'unlimited'} ` +
      `(children are raised to what they need, up to the hard limit; a server can hold ${maxFds() - 64} connections)`,
  );
  console.log(
    `code: ${source.commit}${source.uncommitted.length > 0 ? `, with uncommitted changes to ${source.uncommitted.join(', ')}` : ''}` +
      (process.env.OTP_CHAT_IMPL ? `; otp-chat is OTP_CHAT_IMPL=${process.env.OTP_CHAT_IMPL}` : ''),
  );
  const placement = placementOf(opts.pin, machine.cores);
  const loadCpus = placement === null ? machine.cores : machine.cores - 1;
  const sizes = { ...opts.sizes, workers: opts.sizes.workers || loadCpus };
  const workers = `${sizes.workers} load worker${sizes.workers === 1 ? '' : 's'}`;
  console.log(
    placement === null
      ? `CPUs: the server and ${workers} share all ${machine.cores}` +
          (opts.pin ? ' (taskset is not installed, or there is one CPU: nothing pinned)' : '')
      : `CPUs: the server on CPU ${placement.server} alone, ${workers} on CPU ${placement.load} (taskset; --no-pin to share)`,
  );
  if (opts.smoke) console.log('smoke sizes: checks that everything runs; the figures mean nothing');
  if (opts.profile) mkdirSync(opts.profileDir, { recursive: true });
  const context = {
    sizes,
    mode: opts.mode,
    placement,
    profileDir: opts.profile ? opts.profileDir : null,
    log: (line: string) => console.log(line),
  };
  const results: RunResult[] = [];
  for (const key of opts.scenarios) {
    const scenario = scenarioPlan(key, sizes);
    console.log(`\n${scenario.title}`);
    for (const [server, transport] of scenario.servers) {
      if (!opts.servers.includes(server)) continue;
      if (server === 'otp-chat-08-pg') {
        const problem = await postgresProblem();
        if (problem !== undefined) {
          console.log(`  ${server}: NOT RUN: PostgreSQL cannot be reached (${problem})`);
          continue;
        }
      }
      const runs =
        scenario.kind === 'load'
          ? await runLoad(scenario, server, transport, context)
          : scenario.kind === 'persistence'
            ? [await runPersistence(scenario, server, context)]
            : [await runIdle(scenario, server, transport, context)];
      const [first] = runs;
      if (first?.capped) console.log(`  note: ${first.capped}`);
      if (first !== undefined && first.failed > 0)
        console.log(`  ${first.failed} clients never joined: ${first.failures.join('; ')}`);
      for (const run of runs) {
        if (run.profile !== null) console.log(formatProfile(run.profile, 'server'));
        if (run.loadProfile !== null) console.log(formatProfile(run.loadProfile, 'load worker 1'));
      }
      results.push(...runs);
    }
  }
  const node = `node ${process.version}`;
  const loads = results.filter((r): r is LoadResult => r.kind === 'load');
  const capacities = results.filter((r): r is CapacityResult => r.kind === 'capacity');
  const idles = results.filter((r): r is IdleResult => r.kind === 'idle');
  const persisted = results.filter((r): r is PersistenceResult => r.kind === 'persistence');
  if (loads.length > 0) console.log(`\nat the fixed rates (${node})\n${loadTable(loads)}`);
  if (capacities.length > 0) {
    const { stepWarmup, stepDuration } = sizes;
    console.log(
      `\ncapacity (${node}): the highest rate that held, p99 < 100 ms and nothing lost, ` +
        `in steps of ${stepWarmup} s warm-up + ${stepDuration} s measured\n` +
        `${capacityTable(capacities)}\n${capacityNotes(capacities)}`,
    );
  }
  if (idles.length > 0) console.log(`\nidle connections (${node})\n${idleTable(idles)}`);
  if (persisted.length > 0) {
    const { floodWarmup, floodDuration, persistRate, warmup, duration } = sizes;
    console.log(
      `\npersistence (${node}): persisted/s = messages answered a second, each client keeping ` +
        `${sizes.floodWindow} unanswered (${floodWarmup} s warm-up + ${floodDuration} s measured), ` +
        `rows counted after; latency at ${persistRate} msg/s (${warmup} + ${duration} s), ` +
        `+ = over step 07 in this run\n${persistenceTable(persisted)}`,
    );
  }
  const ratioList = ratios(results);
  if (ratioList.length > 0) console.log(`\n${ratioTable(ratioList)}`);
  const verdicts = targets(results);
  console.log(`\ntargets (${node})\n${targetTable(verdicts)}`);
  const report = {
    date: new Date().toISOString(),
    command: ['pnpm', 'bench:chat', ...process.argv.slice(2)].join(' '),
    machine,
    source: { ...source, otpChatImpl: process.env.OTP_CHAT_IMPL ?? null },
    mode: opts.mode,
    placement,
    sizes,
    smoke: opts.smoke,
    results,
    ratios: ratioList,
    targets: verdicts,
  };
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${opts.out}`);
}

await main();
