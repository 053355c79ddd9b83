import { UsageError } from '../errors.ts';
import { resolveStep } from '../steps/resolve.ts';
import type { Step } from '../steps/step.ts';
import type { SubcommandSpec } from '../subcommands.ts';
import { PNPM } from '../typed.ts';
import { docCommands, isPlaceholder, pnpmArgs } from './shell.ts';

// Every command a reader is told to type must exist, and work on a machine that has only Node
// and npm: pnpm is run as `npx pnpm`, never bare. Of the commands in docCommands:
// `npx pnpm X` / `npm run X` / `npm test` need a root script X (or, for pnpm, a binary the root
// installs); `npx pnpm --filter <pkg> X` a script X in that package; `npx pnpm tutorial <sub>
// <step>` a real subcommand and, like `npx pnpm repl <step>`, a real step unless the argument is
// a <placeholder>.

export interface WorkspacePackage {
  name: string;
  /** Relative to the repository root, e.g. `packages/otp`. */
  dir: string;
  scripts: Record<string, string>;
}

export interface CommandContext {
  rootScripts: Record<string, string>;
  /** Binaries in the root node_modules/.bin, which `pnpm X` runs when there is no script X. */
  rootBins: ReadonlySet<string>;
  packages: readonly WorkspacePackage[];
  subcommands: readonly SubcommandSpec[];
  steps: readonly Step[];
}

export function checkCommands(docFile: string, text: string, ctx: CommandContext): string[] {
  const problems: string[] = [];
  for (const { line, command, argv } of docCommands(text)) {
    const problem = problemWith(argv, ctx);
    if (problem) problems.push(`${docFile}:${line}: \`${command}\`: ${problem}`);
  }
  return problems;
}

function problemWith(argv: string[], ctx: CommandContext): string | undefined {
  const [tool, ...args] = argv;
  if (tool === 'pnpm') {
    return (
      `write \`${PNPM} ${args.join(' ')}\`: pnpm is not on the PATH of a reader who has only ` +
      'Node and npm, as the Quick start promises'
    );
  }
  const pnpm = pnpmArgs(argv);
  if (pnpm) return pnpmProblem(pnpm, ctx);
  if (tool === 'npm') return npmProblem(args, ctx);
  return undefined;
}

// pnpm's own commands; any other first word is a script (or a binary) to run.
const PNPM_BUILTINS = new Set(
  (
    'add approve-builds audit bin c cat-file cat-index config create dedupe deploy dlx doctor env ' +
    'exec fetch find-hash help i ignored-builds import init install install-test it licenses link ' +
    'list ll ln ls outdated pack patch patch-commit patch-remove prune publish rb rebuild remove ' +
    'rm root self-update server setup store un uninstall unlink up update upgrade why'
  ).split(' '),
);

function pnpmProblem(args: string[], ctx: CommandContext): string | undefined {
  let filter: string | undefined;
  let recursive = false;
  while (args[0]?.startsWith('-')) {
    const flag = args.shift() ?? '';
    if (flag === '--filter' || flag === '-F') filter = args.shift();
    else if (flag.startsWith('--filter=')) filter = flag.slice('--filter='.length);
    else if (flag === '-r' || flag === '--recursive') recursive = true;
    else if (flag === '-C' || flag === '--dir') return undefined; // another directory: not ours to judge
  }
  let script = args.shift();
  if (script === 'run') script = args.shift();
  else if (script !== undefined && PNPM_BUILTINS.has(script)) return undefined;
  if (script === undefined || isPlaceholder(script)) return undefined;
  if (filter !== undefined) {
    return isPlaceholder(filter) ? undefined : packageScriptProblem(filter, script, ctx);
  }
  if (recursive) {
    return ctx.packages.some((p) => script in p.scripts)
      ? undefined
      : `no workspace package has a script "${script}"`;
  }
  if (!(script in ctx.rootScripts) && !ctx.rootBins.has(script)) {
    return `the root package.json has no script "${script}"`;
  }
  if (script === 'tutorial') return tutorialProblem(args, ctx);
  if (script === 'repl')
    return stepProblem(
      args.find((a) => !a.startsWith('-')),
      ctx,
    );
  return undefined;
}

function npmProblem(args: string[], ctx: CommandContext): string | undefined {
  while (args[0]?.startsWith('-')) args.shift();
  const [command, name] = args;
  const LIFECYCLE: Record<string, string> = {
    start: 'start',
    test: 'test',
    t: 'test',
    stop: 'stop',
    restart: 'restart',
  };
  const script = command === 'run' || command === 'run-script' ? name : LIFECYCLE[command ?? ''];
  if (script === undefined || isPlaceholder(script) || script in ctx.rootScripts) return undefined;
  return `the root package.json has no script "${script}"`;
}

function packageScriptProblem(
  filter: string,
  script: string,
  ctx: CommandContext,
): string | undefined {
  const matches = ctx.packages.filter((p) => filterMatches(filter, p));
  if (matches.length === 0) return `no workspace package matches --filter ${filter}`;
  if (matches.some((p) => script in p.scripts)) return undefined;
  return `${matches.map((p) => p.name).join(', ')} has no script "${script}"`;
}

function filterMatches(filter: string, pkg: WorkspacePackage): boolean {
  const bare = filter.replace(/^\.\.\.\^?|\^?\.\.\.$/g, '');
  if (bare.startsWith('.') || (bare.includes('/') && !bare.startsWith('@'))) {
    return bare.replace(/^\.\//, '').replace(/\/$/, '') === pkg.dir;
  }
  const pattern = new RegExp(`^${bare.split('*').map(escapeRegExp).join('.*')}$`);
  return pattern.test(pkg.name);
}

function tutorialProblem(args: string[], ctx: CommandContext): string | undefined {
  const [name, ...rest] = args;
  const names = ctx.subcommands.map((s) => s.name);
  if (name === undefined || isPlaceholder(name)) return undefined;
  const spec = ctx.subcommands.find((s) => s.name === name);
  if (!spec) return `"${name}" is not a tutorial subcommand (they are: ${names.join(', ')})`;
  const stepArg = rest.find((a) => !a.startsWith('-'));
  if (spec.step === 'required' && stepArg === undefined) return `tutorial ${name} needs a step`;
  return spec.step === 'none' ? undefined : stepProblem(stepArg, ctx);
}

/** `pnpm repl 02`, `pnpm tutorial start 02`: the step must exist, unless it is a placeholder. */
function stepProblem(stepArg: string | undefined, ctx: CommandContext): string | undefined {
  if (stepArg === undefined || isPlaceholder(stepArg)) return undefined;
  try {
    resolveStep(ctx.steps, stepArg);
    return undefined;
  } catch (error) {
    if (error instanceof UsageError) return `there is no step "${stepArg}"`;
    throw error;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
