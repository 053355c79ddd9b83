// The subcommands of `pnpm tutorial`, as the help text and the docs check know them. What each
// one does lives in cli.ts; this table is kept free of behaviour so docs:check can read it.

export type SubcommandName =
  | 'list'
  | 'diff'
  | 'run'
  | 'start'
  | 'hint'
  | 'verify'
  | 'reset'
  | 'help';

export interface SubcommandSpec {
  name: SubcommandName;
  usage: string;
  summary: string;
  /** Whether the first argument that is not a --flag names a step. */
  step: 'required' | 'optional' | 'none';
}

export const SUBCOMMANDS: readonly SubcommandSpec[] = [
  {
    name: 'list',
    usage: 'list [--test]',
    summary: 'the steps in order, with their chapters; --test runs their tests too',
    step: 'none',
  },
  {
    name: 'diff',
    usage: 'diff <step> [--tests]',
    summary: 'what a step changes, as a diff from the step it builds on; --tests adds its tests',
    step: 'required',
  },
  {
    name: 'run',
    usage: 'run <step> [script]',
    summary: "replay a step's REPL scripts and check what they print",
    step: 'required',
  },
  {
    name: 'start',
    usage: 'start <step>',
    summary: 'make your own workspace for a step, in .learner/',
    step: 'required',
  },
  {
    name: 'hint',
    usage: 'hint [<step>]',
    summary: 'the next hint for writing a step, one at a time',
    step: 'optional',
  },
  {
    name: 'verify',
    usage: 'verify [<step>] [--watch]',
    summary: "check your workspace against the step's tests and REPL scripts",
    step: 'optional',
  },
  {
    name: 'reset',
    usage: 'reset <step> [--yes]',
    summary: 'throw your workspace for a step away and start it again',
    step: 'required',
  },
  { name: 'help', usage: 'help', summary: 'this help', step: 'none' },
];
