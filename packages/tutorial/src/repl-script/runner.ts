import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IMPL_ENV, implFromEnvironment, owningPackage } from '../repl/imports.ts';
import { matchesOutput, outputLines } from './match.ts';
import { type ParsedScript, parseScript, type ScriptInput } from './parse.ts';
import type { ReplayEvent, ReplayJob } from './protocol.ts';
import {
  location,
  mismatchText,
  type ScriptEntry,
  type ScriptResult,
  transcriptOf,
} from './report.ts';

export interface RunOptions {
  /**
   * Run against this implementation of the step: its `src/index.ts` stands in for the step's
   * package. Default `$OTP_CHAT_IMPL` (relative to the repository root).
   */
  impl?: string;
  /**
   * How long one input may take; default 60 s. Loading the step's code before the first input
   * has STARTUP_TIMEOUT_MS (or this, if longer): on a loaded machine that alone can take seconds.
   */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const STARTUP_TIMEOUT_MS = 60_000;
const REPLAY_ENTRY = fileURLToPath(new URL('./replay.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Replays one REPL script in a fresh process and checks each output against its annotation. */
export async function runScript(file: string, options: RunOptions = {}): Promise<ScriptResult> {
  const path = resolve(file);
  const script = parseScript(readFileSync(path, 'utf8'));
  if (script.syntaxErrors.length > 0) {
    const problem = `${location(path, 1)}: the script does not parse:\n  ${script.syntaxErrors.join('\n  ')}`;
    return resultOf(path, [], problem);
  }
  const replayed = await replayInChild(path, script, options);
  const entries = replayed.outputs.map((output, i) => toEntry(replayed.typed[i]!, output));
  return resultOf(path, entries, replayed.problem);
}

/** Runs every `repl/*.repl.ts` of a step, in file-name order, each in its own process. */
export async function runStepScripts(
  stepDir: string,
  options: RunOptions = {},
): Promise<ScriptResult[]> {
  const results: ScriptResult[] = [];
  for (const file of stepScripts(stepDir)) results.push(await runScript(file, options));
  return results;
}

export function stepScripts(stepDir: string): string[] {
  const dir = join(resolve(stepDir), 'repl');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.repl.ts'))
    .sort()
    .map((name) => join(dir, name));
}

function toEntry(input: ScriptInput, output: string): ScriptEntry {
  const entry: ScriptEntry = { line: input.line, input: input.source, output, ok: true };
  if (input.expected) {
    entry.expected = input.expected.join('\n');
    entry.ok = matchesOutput(input.expected, outputLines(output));
  }
  return entry;
}

function resultOf(file: string, entries: ScriptEntry[], problem?: string): ScriptResult {
  const mismatches = entries.filter((e) => !e.ok).map((e) => mismatchText(file, e));
  const failures = [...mismatches, ...(problem ? [problem] : [])].join('\n\n');
  return { file, entries, ok: failures === '', transcript: transcriptOf(entries), failures };
}

interface Replayed {
  /** What was typed at the prompt, in order: the imports the REPL lacks, then the inputs. */
  typed: ScriptInput[];
  outputs: string[];
  /** Why the replay stopped before the end: a hang, a crash, a failed import. */
  problem?: string;
}

function replayInChild(file: string, script: ParsedScript, options: RunOptions): Promise<Replayed> {
  const impl = options.impl === undefined ? implFromEnvironment() : resolve(options.impl);
  const job: ReplayJob = {
    file,
    setup: script.setup.map((s) => s.source),
    inputs: script.inputs.map((s) => s.source),
    stepScope: isStep(owningPackage(file).dir),
    ...(impl ? { impl } : {}),
  };
  const child = fork(REPLAY_ENTRY, [], {
    cwd: owningPackage(file).dir,
    execArgv: ['--import', TSX_LOADER, '--conditions=source'],
    env: { ...process.env, ...(impl ? { [IMPL_ENV]: impl } : {}) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.send(job);
  return watchReplay(child, file, script, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/** A step is a package whose manifest has an `otpChat` block. */
function isStep(dir: string): boolean {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    otpChat?: unknown;
  };
  return manifest.otpChat !== undefined;
}

function watchReplay(
  child: ChildProcess,
  file: string,
  script: ParsedScript,
  timeoutMs: number,
): Promise<Replayed> {
  const outputs: string[] = [];
  let typed = script.inputs;
  let current: number | undefined;
  // What got past the capture (a loader error before the session started): for a crash report.
  let stray = '';
  const keepTail = (chunk: Buffer) => {
    stray = (stray + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  return new Promise((resolveReplay) => {
    const finish = (problem?: string) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      if (child.exitCode === null) child.kill('SIGKILL');
      resolveReplay(problem ? { typed, outputs, problem } : { typed, outputs });
    };
    // Until the first input starts, the start-up's allowance; then each input's, from its start.
    let timer: NodeJS.Timeout;
    const allow = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(hangText(file, typed, current, ms)), ms);
    };
    allow(Math.max(STARTUP_TIMEOUT_MS, timeoutMs));
    child.on('message', (event: ReplayEvent) => {
      if (event.type === 'plan') {
        typed = [...event.shownImports.map((i) => script.setup[i]!), ...script.inputs];
      } else if (event.type === 'started') {
        current = event.index;
        allow(timeoutMs);
      } else if (event.type === 'evaluated') outputs[event.index] = event.output;
      else if (event.type === 'setupFailed') finish(setupText(file, script, event));
      else if (event.type === 'stuck') finish(stuckText(file, typed, event));
      else finish();
    });
    child.on('exit', (code, signal) => {
      finish(crashText(file, typed, current, `${signal ?? `exit code ${code}`}`, stray));
    });
    child.on('error', (error) => {
      finish(crashText(file, typed, current, `could not run: ${error.message}`, stray));
    });
  });
}

// `file:line: what happened:` then the input as typed at the prompt, then what it printed.
function stoppedAt(
  file: string,
  typed: readonly ScriptInput[],
  index: number | undefined,
  what: string,
  printed = '',
): string {
  const input = index === undefined ? undefined : typed[index];
  const lines = [
    `${location(file, input?.line ?? 1)}: ${what}${input ? ':' : ' before the first input'}`,
  ];
  if (input)
    lines.push(
      indent(transcriptOf([{ line: input.line, input: input.source, output: '', ok: false }])),
    );
  const shown = outputLines(printed);
  if (shown.length > 0) lines.push('  it printed:', indent(shown.join('\n')));
  return lines.join('\n');
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}

function hangText(
  file: string,
  typed: readonly ScriptInput[],
  current: number | undefined,
  ms: number,
) {
  return stoppedAt(file, typed, current, `timed out after ${ms / 1000} s waiting for this input`);
}

function stuckText(
  file: string,
  typed: readonly ScriptInput[],
  event: { index: number; output: string },
) {
  const what =
    'this input can never finish: it waits, and nothing is left running that could end the ' +
    'wait (no timer, no I/O, no process that could reply)';
  return stoppedAt(file, typed, event.index, what, event.output);
}

function crashText(
  file: string,
  typed: readonly ScriptInput[],
  current: number | undefined,
  how: string,
  printed: string,
) {
  return stoppedAt(
    file,
    typed,
    current,
    `the script's process ended (${how}) during this input`,
    printed,
  );
}

function setupText(file: string, script: ParsedScript, event: { source: string; output: string }) {
  const line = script.setup.find((s) => s.source === event.source)?.line ?? 1;
  // The loader's own stack frames say nothing about the script.
  const message = outputLines(event.output).filter((l) => !/^\s+at /.test(l));
  return `${location(file, line)}: the import failed:\n    ${event.source}\n    ${message.join('\n    ')}`;
}
