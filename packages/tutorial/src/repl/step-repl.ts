import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { REPLServer } from 'node:repl';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.ts';
import { describeSteps, resolveStep } from '../steps/resolve.ts';
import { discoverSteps, type Step, stepLabel } from '../steps/step.ts';
import { typed } from '../typed.ts';
import {
  implFromEnvironment,
  REPOSITORY_ROOT,
  RUNTIME_PACKAGE,
  type StepPackage,
  stepImportResolver,
} from './imports.ts';
import { startSession } from './session.ts';

// `pnpm repl <step>`: the REPL a chapter is read beside. The step's public API and the whole
// runtime are in scope from the start, so a learner types the chapter's commands as printed
// (TypeScript and top-level await included) and sees what the chapter shows.

export interface StepReplOptions {
  root?: string;
  input?: Readable;
  output?: Writable;
  /** Line editing, colours and history; defaults to whether the output is a terminal. */
  terminal?: boolean;
  /** Where history is kept; default node_modules/.cache/otp-chat/repl_history (git-ignored). */
  historyFile?: string;
}

/** One module's exports, as put in scope. */
export interface LoadedModule {
  name: string;
  /** The file the names come from, relative to the repository root. */
  from: string;
  names: string[];
}

export async function openStepRepl(
  args: readonly string[],
  options: StepReplOptions = {},
): Promise<REPLServer> {
  const root = options.root ?? REPOSITORY_ROOT;
  const step = pickStep(root, args);
  const impl = implFromEnvironment();
  const modules = await loadReplScope(root, stepPackage(step), impl);
  const output = options.output ?? process.stdout;
  const terminal = options.terminal ?? (output as { isTTY?: boolean }).isTTY === true;
  output.write(`${banner(root, step, modules, impl)}\n`);
  const server = startSession({
    input: options.input ?? process.stdin,
    output,
    prompt: '> ',
    terminal,
    useColors: terminal,
    resolveImport: stepImportResolver({ step: stepPackage(step), baseDir: process.cwd(), impl }),
  });
  putInScope(server, modules);
  server.defineCommand('loaded', {
    help: 'List what this REPL loaded: the step API and the runtime',
    action() {
      this.output.write(`${loadedText(modules.map((m) => m.module))}\n`);
      this.displayPrompt();
    },
  });
  if (terminal) keepHistory(server, options.historyFile ?? defaultHistoryFile(root));
  return server;
}

function pickStep(root: string, args: readonly string[]): Step {
  const { steps } = discoverSteps(root);
  const [arg, extra] = args;
  if (arg === undefined || extra !== undefined) {
    throw new UsageError(
      `Usage: ${typed('repl <step>')}, e.g. ${typed('repl 01')}\n${describeSteps(steps)}`,
    );
  }
  return resolveStep(steps, arg);
}

function stepPackage(step: Step) {
  return { dir: step.dir, name: step.packageName };
}

/**
 * What `pnpm repl <step>` puts in scope before the first prompt: the runtime's exports, then the
 * step's. The REPL-script runner loads the same, so a replayed session starts where a learner's
 * does.
 */
export async function loadReplScope(
  root: string,
  step: StepPackage,
  impl: string | undefined,
): Promise<ScopeModule[]> {
  const resolve = stepImportResolver({ step, baseDir: step.dir, impl });
  // The step last: where both export a name, the step's own is the one the chapter means.
  return [
    await loadModule(root, RUNTIME_PACKAGE, resolve(RUNTIME_PACKAGE)),
    await loadModule(root, step.name, resolve(step.name)),
  ];
}

async function loadModule(root: string, name: string, url: string) {
  const exports = (await import(url)) as Record<string, unknown>;
  const names = Object.keys(exports).filter((key) => key !== 'default');
  const from = url.startsWith('file:') ? shownPath(root, fileURLToPath(url)) : url;
  return { module: { name, from, names } satisfies LoadedModule, exports };
}

// Relative to the tutorial when inside it, else to this repository (the runtime, for a tutorial
// kept elsewhere, as the tests' fixture is).
function shownPath(root: string, file: string): string {
  const inside = relative(root, file);
  return inside.startsWith('..') ? relative(REPOSITORY_ROOT, file) : inside;
}

/** A module whose exports a REPL puts in scope. */
export type ScopeModule = Awaited<ReturnType<typeof loadModule>>;

// Defined rather than assigned: the REPL keeps `_` for the last value, with a setter that
// complains; the runtime's `_` (the match-anything pattern) quietly takes its place instead.
export function putInScope(server: REPLServer, modules: readonly ScopeModule[]): void {
  for (const { module, exports } of modules) {
    for (const name of module.names) {
      Object.defineProperty(server.context, name, {
        value: exports[name],
        writable: true,
        configurable: true,
        enumerable: true,
      });
    }
  }
}

function banner(
  root: string,
  step: Step,
  modules: readonly ScopeModule[],
  impl: string | undefined,
): string {
  const counts = modules
    .map(({ module }) => `${module.names.length} from ${module.name}`)
    .join(', ');
  const implNote = impl
    ? `\nThe step's API comes from ${relative(root, impl) || '.'} ($OTP_CHAT_IMPL).`
    : '';
  return [
    `otp-chat — step ${stepLabel(step)}: ${step.title}`,
    `Chapter: ${step.chapter}${implNote}`,
    `In scope: ${counts} (.loaded lists them).`,
    'TypeScript is accepted and await works at the prompt. .help for commands, .exit to leave.',
  ].join('\n');
}

export function loadedText(modules: readonly LoadedModule[]): string {
  return modules
    .map(({ name, from, names }) => `${name} (${from}):\n${wrapNames(names)}`)
    .join('\n');
}

function wrapNames(names: readonly string[]): string {
  const lines: string[] = [];
  let line = '';
  for (const name of [...names].sort()) {
    if (line && line.length + name.length + 2 > 96) {
      lines.push(line);
      line = '';
    }
    line += line ? `, ${name}` : name;
  }
  if (line) lines.push(line);
  return lines.map((l, i) => `  ${l}${i < lines.length - 1 ? ',' : ''}`).join('\n');
}

function defaultHistoryFile(root: string): string {
  return join(root, 'node_modules', '.cache', 'otp-chat', 'repl_history');
}

function keepHistory(server: REPLServer, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  server.setupHistory(file, (error) => {
    if (error) server.output.write(`(history is not kept: ${error.message})\n`);
  });
}
