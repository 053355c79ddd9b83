import { cpSync, existsSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { pnpmArgs } from '../docs/shell.ts';
import { resolveStep } from '../steps/resolve.ts';
import type { Step } from '../steps/step.ts';
import type { Action, Client, Shown, Where } from './plan.ts';
import {
  Command,
  type Ended,
  FAILURE_REPORT,
  lastLines,
  runToEnd,
  withoutScriptBanner,
} from './processes.ts';
import { typeSession } from './repl.ts';
import type { Sandbox } from './sandbox.ts';

// The newcomer at work: each action of the plan in order, in the sandbox, each in a fresh
// shell. Where the docs show what a command prints, the output must be that. Where a command
// cannot run as written (it runs until Ctrl-C, it asks a question, it takes minutes), it runs
// in a form that still proves it works, and the report says which.

export interface Newcomer {
  sandbox: Sandbox;
  steps: readonly Step[];
  log: (text: string) => void;
}

export interface Result {
  passed: number;
  failed: number;
  skipped: number;
  /** `doc:line command`, one per failure, for the summary. */
  failures: string[];
}

/** How long a command may run: the whole test suite takes minutes on a busy machine. */
const LONG_MS = 45 * 60_000;
const DEFAULT_MS = 15 * 60_000;

export async function runPlan(newcomer: Newcomer, actions: readonly Action[]): Promise<Result> {
  const result: Result = { passed: 0, failed: 0, skipped: 0, failures: [] };
  // Checks run once: a second document showing one reads how it went the first time (a failed
  // `npm test` run again would add the whole suite's time to a run that has failed already).
  const checked = new Map<string, { at: Where; passed: boolean }>();
  for (const action of actions) {
    const label = `${action.at.doc}:${action.at.line}  ${action.command}`;
    if (action.kind === 'skip') {
      newcomer.log(`- ${label}  (not run: ${action.why})`);
      result.skipped++;
      continue;
    }
    const earlier = action.kind === 'run' ? checked.get(action.command) : undefined;
    if (earlier) {
      const where = `${earlier.at.doc}:${earlier.at.line}`;
      const how = earlier.passed
        ? `passed at ${where} already`
        : `failed at ${where}: not run again`;
      newcomer.log(`- ${label}  (${how})`);
      result.skipped++;
      continue;
    }
    newcomer.log(`▶ ${label}${action.kind === 'run' && action.dry ? `  (as ${action.dry})` : ''}`);
    const started = performance.now();
    const problems = await perform(newcomer, action);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (action.kind === 'run' && isPureCheck(action.command))
      checked.set(action.command, { at: action.at, passed: problems.length === 0 });
    if (problems.length === 0) {
      newcomer.log(`  ✓ ${seconds} s${note(action)}`);
      result.passed++;
    } else {
      newcomer.log(`  ✗ ${seconds} s\n${problems.map((p) => indent(p)).join('\n')}`);
      result.failed++;
      result.failures.push(label);
    }
  }
  return result;
}

function note(action: Action): string {
  if (action.kind === 'repl') {
    return action.session
      ? `: ${action.session.entries.length} inputs typed, each printed what the chapter shows`
      : ': opened and left with .exit';
  }
  if (action.kind === 'server') {
    const clients = action.clients.length ? `, ${action.clients.length} nc clients greeted` : '';
    return `: ready${action.shown ? ' with the lines shown' : ''}${clients}, stopped cleanly by Ctrl-C`;
  }
  if (action.kind === 'watch') return ': watching, then stopped cleanly by Ctrl-C';
  return action.kind === 'run' && action.shown ? ': printed the lines shown' : '';
}

/** Commands that only check and change nothing: run once, however many docs show them. */
function isPureCheck(command: string): boolean {
  return /^npm test$|^npx pnpm (--filter \S+ test|tutorial (run|diff) \S+|tutorial list --test)$/.test(
    command,
  );
}

function perform(newcomer: Newcomer, action: Exclude<Action, { kind: 'skip' }>): Promise<string[]> {
  switch (action.kind) {
    case 'run':
      return runCommand(newcomer, action);
    case 'server':
      return runServer(newcomer, action);
    case 'repl':
      return typeSession(
        newcomer.sandbox,
        action.command,
        action.at.doc,
        action.session?.entries ?? [],
      ).then((outcome) => outcome.problems);
    case 'watch':
      return runWatch(newcomer, action);
  }
}

async function runCommand(
  newcomer: Newcomer,
  action: Extract<Action, { kind: 'run' }>,
): Promise<string[]> {
  const command = [action.instead ?? action.command, ...action.args].join(' ');
  const exercise = exerciseStep(newcomer, action.command);
  // `start` for a step the newcomer has a workspace for already must refuse, and say so.
  const refusal = exercise?.verb === 'start' && existsSync(workspace(newcomer, exercise.step));
  const timeout = action.command === 'npm test' ? LONG_MS : DEFAULT_MS;
  const ended = await runToEnd(newcomer.sandbox, command, timeout, (minutes) =>
    newcomer.log(`  … running for ${minutes} min`),
  );
  const problems: string[] = [];
  if (refusal) {
    if (ended.code === 1 && /already exists/.test(ended.output)) {
      newcomer.log(`  · ${exercise.step.id} was started already: start refuses, and says so`);
    } else {
      problems.push(
        `a start over a workspace that exists should refuse (exit 1, "already exists"): ${ending(ended)}`,
      );
    }
  } else if (ended.code !== 0 || ended.timedOut) {
    problems.push(`it failed: ${ending(ended)}\n${indent(lastLines(ended.output, 40))}`);
  }
  if (action.shown)
    problems.push(...compareShown(action.at.doc, action.shown, withoutScriptBanner(ended.output)));
  if (problems.length === 0 && exercise && !refusal && exercise.verb !== 'verify') {
    writeStep(newcomer, exercise.step);
  }
  return problems;
}

/** `tutorial start NN` / `reset NN` / `verify NN`: the step of an exercise command. */
function exerciseStep(newcomer: Newcomer, command: string) {
  const args = pnpmArgs(command.split(/\s+/));
  if (args?.[0] !== 'tutorial' || !['start', 'reset'].includes(args[1] ?? '')) return undefined;
  const arg = args.slice(2).find((a) => !a.startsWith('-'));
  return arg === undefined ? undefined : { verb: args[1]!, step: resolveStep(newcomer.steps, arg) };
}

function workspace(newcomer: Newcomer, step: Step): string {
  return join(newcomer.sandbox.root, '.learner', step.id);
}

/**
 * The newcomer does the exercise: after `start` (or `reset`), their workspace gets the step's
 * own code, so that the `verify` the docs show next has a finished step to check.
 */
function writeStep(newcomer: Newcomer, step: Step): void {
  const src = join(workspace(newcomer, step), 'src');
  rmSync(src, { recursive: true, force: true });
  cpSync(join(newcomer.sandbox.root, 'steps', step.id, 'src'), src, { recursive: true });
  newcomer.log(
    `  · the newcomer writes step ${step.id} (copies the reference's src/ into ${step.id})`,
  );
}

async function runServer(
  newcomer: Newcomer,
  action: Extract<Action, { kind: 'server' }>,
): Promise<string[]> {
  // The docs' ports, 8080 and 4000, may be taken on a shared machine: free ones stand in.
  const [port, webPort] = [await freePort(), await freePort()];
  const env = { CHAT_PORT: String(port), CHAT_WEB_PORT: String(webPort) };
  const server = new Command(newcomer.sandbox, action.command, env);
  const problems: string[] = [];
  // The first `npm start` installs everything first.
  const ready = await server.waitFor((output) => /listening on/.test(output), {
    quietMs: 500,
    timeoutMs: 10 * 60_000,
  });
  if (!ready) {
    server.kill();
    const ended = await server.ended;
    return [
      `the server never said it was listening: ${ending(ended)}\n${indent(lastLines(ended.output, 30))}`,
    ];
  }
  if (action.shown) {
    const shown = {
      ...action.shown,
      lines: action.shown.lines.map((l) => atPorts(l, port, webPort)),
    };
    problems.push(...compareShown(action.at.doc, shown, withoutScriptBanner(server.output)));
  }
  for (const client of action.clients) problems.push(...(await greet(client, port)));
  const before = server.output.length;
  server.signal('SIGINT');
  const timer = setTimeout(server.kill, 30_000);
  const ended = await server.ended;
  clearTimeout(timer);
  problems.push(...cleanStop(ended, ended.output.slice(before)));
  return problems;
}

/** The docs' default ports in a line, replaced by the ones the check's server listens on. */
function atPorts(line: string, port: number, webPort: number): string {
  return line.replace(/\b8080\b/g, String(port)).replace(/\b4000\b/g, String(webPort));
}

/**
 * `nc 127.0.0.1 8080`: a person connects. The check cannot type the conversation the docs show
 * (two people's, interleaved), but it checks what the server says first, before anyone types:
 * those lines must be the first the console block shows.
 */
async function greet(client: Client, port: number): Promise<string[]> {
  const received = await new Promise<string>((resolve) => {
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const socket = new Socket();
    const done = () => {
      socket.destroy();
      resolve(text);
    };
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(done, 500);
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      quiet();
    });
    socket.on('error', done);
    socket.connect(port, '127.0.0.1', quiet);
    setTimeout(done, 10_000);
  });
  const lines = received.split(/\r?\n/);
  while (lines.at(-1) === '') lines.pop();
  const shown = client.shown.lines.slice(0, lines.length);
  if (lines.length > 0 && lines.every((line, i) => line === shown[i])) return [];
  return [
    `${client.at.doc}:${client.at.line}: \`${client.command}\`: the server's first lines are not the ones shown:`,
    '  shown:',
    indent(client.shown.lines.slice(0, Math.max(lines.length, 2)).join('\n')),
    '  the server said:',
    indent(lines.join('\n') || '(nothing)'),
  ];
}

async function runWatch(
  newcomer: Newcomer,
  action: Extract<Action, { kind: 'watch' }>,
): Promise<string[]> {
  const watcher = new Command(newcomer.sandbox, action.command);
  const watching = await watcher.waitFor((output) => /Ctrl-C stops/.test(output), {
    timeoutMs: DEFAULT_MS,
  });
  if (!watching) {
    watcher.kill();
    const ended = await watcher.ended;
    return [
      `it never said it was watching: ${ending(ended)}\n${indent(lastLines(ended.output, 30))}`,
    ];
  }
  const before = watcher.output.length;
  watcher.signal('SIGINT');
  const timer = setTimeout(watcher.kill, 30_000);
  const ended = await watcher.ended;
  clearTimeout(timer);
  return cleanStop(ended, ended.output.slice(before));
}

/**
 * A stop by Ctrl-C is clean when nothing reports a failure and the command ends with status 0,
 * or with the SIGINT itself: npm and npx end that way after their child is done, and a shell
 * prints nothing for it.
 */
function cleanStop(ended: Ended, after: string): string[] {
  const clean = !ended.timedOut && (ended.code === 0 || ended.signal === 'SIGINT');
  if (clean && !FAILURE_REPORT.test(after)) return [];
  return [`Ctrl-C did not stop it cleanly: ${ending(ended)}\n${indent(lastLines(after, 20))}`];
}

function compareShown(doc: string, shown: Shown, output: string): string[] {
  const actual = output.split('\n').map((l) => l.trimEnd());
  while (actual.at(-1) === '') actual.pop();
  const expected = shown.lines.map((l) => l.trimEnd());
  while (expected.at(-1) === '') expected.pop();
  // All of it, line for line: a line the docs leave out is as wrong as one they get wrong.
  const length = Math.max(expected.length, actual.length);
  const differs = Array.from({ length }, (_, i) => i).find((i) => expected[i] !== actual[i]);
  if (differs === undefined) return [];
  return [
    `${doc}:${shown.line + Math.min(differs, expected.length)}: the output differs from what the docs show:`,
    `  the docs show:  ${expected[differs] ?? '(nothing more)'}`,
    `  it printed:     ${actual[differs] ?? '(nothing more)'}`,
    '  all it printed:',
    indent(actual.join('\n')),
  ];
}

function ending(ended: Ended): string {
  if (ended.timedOut) return `killed after ${ended.seconds.toFixed(0)} s`;
  return ended.signal ? `ended by ${ended.signal}` : `exit status ${ended.code}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}
