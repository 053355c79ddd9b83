import { stdin, stdout } from 'node:process';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CommandError, UsageError } from './errors.ts';
import { showNextHint } from './exercise/hints.ts';
import { replayWithImpl } from './exercise/replay.ts';
import { discardWorkspace } from './exercise/reset.ts';
import { startStep } from './exercise/start.ts';
import { verifyStep } from './exercise/verify.ts';
import { watchDir } from './exercise/watch.ts';
import { currentStep, shown, workspaceDir } from './exercise/workspace.ts';
import { runCommand } from './repl-script/index.ts';
import { stepDiff } from './steps/diff.ts';
import { listSteps } from './steps/list.ts';
import { resolveStep } from './steps/resolve.ts';
import { previousStep, stepLabel } from './steps/step.ts';
import { SUBCOMMANDS, type SubcommandName } from './subcommands.ts';
import { openTutorial, type Tutorial, type TutorialPaths } from './tutorial.ts';
import { PNPM } from './typed.ts';

// `pnpm tutorial <subcommand>`: the learner's and the author's way around the steps.
// Exit codes: 0 done, 1 what was checked is not right (or the command refused), 2 bad usage.

export interface CliOptions {
  root?: string;
  paths?: TutorialPaths;
  out?: (text: string) => void;
  err?: (text: string) => void;
  /** Whether there is a terminal to ask questions on; default: whether stdin is one. */
  terminal?: boolean;
  /** A status line for work in progress ('' clears it); default: one on stdout if a terminal. */
  progress?: (text: string) => void;
}

interface Context {
  tutorial: Tutorial;
  out: (text: string) => void;
  terminal: boolean;
  progress: ((text: string) => void) | undefined;
}

type Handler = (args: string[], ctx: Context) => Promise<number>;

// Typed by name, so that a subcommand in the help (subcommands.ts) without a handler, or a
// handler missing from the help, does not compile.
const HANDLERS: Record<SubcommandName, Handler> = {
  list: async (args, { tutorial, out, progress }) => {
    const { values } = parse(args, { test: { type: 'boolean' } }, 0);
    const test = values.test === true;
    return (await listSteps(tutorial, { test, log: out, progress })) ? 0 : 1;
  },
  diff: async (args, { tutorial, out }) => {
    const { values, positionals } = parse(args, { tests: { type: 'boolean' } }, 1);
    const step = stepArgument(tutorial, positionals);
    const base = previousStep(tutorial.steps, step);
    if (!base) throw new UsageError(`Step ${stepLabel(step)} builds on no step: all of it is new.`);
    const tests = values.tests === true;
    out(stepDiff(base, step, { color: stdout.isTTY === true, tests }).trimEnd());
    return 0;
  },
  run: async (args, { tutorial, out }) => runCommand(args, { root: tutorial.root, out }),
  start: async (args, { tutorial, out }) => {
    startStep(tutorial, stepArgument(tutorial, parse(args, {}, 1).positionals), out);
    return 0;
  },
  hint: async (args, { tutorial, out }) => {
    const { positionals } = parse(args, {}, 1);
    const step = positionals.length ? stepArgument(tutorial, positionals) : currentStep(tutorial);
    showNextHint(tutorial, step, out);
    return 0;
  },
  verify: verifyCommand,
  reset: async (args, { tutorial, out, terminal }) => {
    const { values, positionals } = parse(args, { yes: { type: 'boolean', short: 'y' } }, 1);
    const step = stepArgument(tutorial, positionals);
    const ask = terminal ? askOnTerminal : undefined;
    if (!(await discardWorkspace(tutorial, step, { yes: values.yes === true, ask }))) {
      out('Nothing deleted.');
      return 1;
    }
    startStep(tutorial, step, out);
    return 0;
  },
  help: async (_args, { out }) => {
    out(usage());
    return 0;
  },
};

async function verifyCommand(args: string[], { tutorial, out }: Context): Promise<number> {
  const { values, positionals } = parse(args, { watch: { type: 'boolean', short: 'w' } }, 1);
  const step = positionals.length ? stepArgument(tutorial, positionals) : currentStep(tutorial);
  const verify = () => verifyStep(tutorial, step, { replay: replayWithImpl, log: out });
  const ok = await verify();
  if (!values.watch) return ok ? 0 : 1;
  const dir = workspaceDir(tutorial, step);
  out(`\nWatching ${shown(tutorial, dir)}: saving a file there checks it again. Ctrl-C stops.`);
  const watch = watchDir(dir, async () => {
    out(`\n— ${new Date().toLocaleTimeString()} —`);
    await verify().catch((error: unknown) => out(String(error)));
  });
  // Ctrl-C is how a learner leaves watch mode: a clean stop, exit status 0, not a failure.
  // The handler stays for good: a second Ctrl-C while we stop, with no handler left, would end
  // the process with status 130. (`pnpm tutorial` runs node with tsx as a loader, not the tsx
  // command: that one relays a Ctrl-C to its child and, when the child has not answered in
  // 30 ms, as on a busy machine, kills it and exits with 130 itself.)
  return new Promise<number>((resolve) => {
    let stopped = false;
    process.on('SIGINT', () => {
      if (stopped) return;
      stopped = true;
      watch.close();
      out('Stopped watching.');
      resolve(0);
    });
  });
}

export async function main(argv: string[], options: CliOptions = {}): Promise<number> {
  const out = options.out ?? ((text: string) => console.log(text));
  const err = options.err ?? ((text: string) => console.error(text));
  const [name, ...args] = argv;
  const handler = isSubcommand(name) ? HANDLERS[name] : undefined;
  if (!handler) {
    err(
      `${name === undefined ? 'Which subcommand?' : `Unknown subcommand "${name}".`}\n\n${usage()}`,
    );
    return 2;
  }
  try {
    const tutorial = openTutorial(options.root ?? repositoryRoot(), options.paths);
    const terminal = options.terminal ?? stdin.isTTY === true;
    const progress = options.progress ?? (stdout.isTTY ? statusLine : undefined);
    return await handler(args, { tutorial, out, terminal, progress });
  } catch (error) {
    if (error instanceof UsageError || error instanceof CommandError) {
      err(error.message);
      return error.exitCode;
    }
    if (isArgumentError(error)) {
      err(`${error.message}\n\n${usage()}`);
      return 2;
    }
    throw error;
  }
}

// Rewrites the terminal's current line: `\r` back to its start, ESC [2K erases it.
function statusLine(text: string): void {
  stdout.write(`\r\x1b[2K${text}`);
}

function isSubcommand(name: string | undefined): name is SubcommandName {
  return SUBCOMMANDS.some((s) => s.name === name);
}

// node:util parseArgs rejects unknown options with codes like ERR_PARSE_ARGS_UNKNOWN_OPTION.
function isArgumentError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export function usage(): string {
  const width = Math.max(...SUBCOMMANDS.map((s) => s.usage.length));
  const lines = SUBCOMMANDS.map((s) => `  ${PNPM} tutorial ${s.usage.padEnd(width)}  ${s.summary}`);
  return [
    'Usage:',
    ...lines,
    '',
    'A <step> is its number (2 or 02), its directory (02-name) or its package (@otp-chat/02-name).',
  ].join('\n');
}

function parse(
  args: string[],
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'],
  maxPositionals: number,
) {
  const parsed = parseArgs({
    args,
    options: options ?? {},
    allowPositionals: true,
    strict: true,
  }) as {
    values: Record<string, string | boolean | undefined>;
    positionals: string[];
  };
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(
      `Unexpected argument "${parsed.positionals[maxPositionals]}".\n\n${usage()}`,
    );
  }
  return parsed;
}

function stepArgument(tutorial: Tutorial, positionals: string[]) {
  const [arg] = positionals;
  if (arg === undefined) throw new UsageError(`Which step?\n\n${usage()}`);
  return resolveStep(tutorial.steps, arg);
}

async function askOnTerminal(question: string): Promise<boolean> {
  const terminal = createInterface({ input: stdin, output: stdout });
  try {
    return /^y(es)?$/i.test((await terminal.question(question)).trim());
  } finally {
    terminal.close();
  }
}

function repositoryRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
