// What the runner and the process that replays one script say to each other over IPC.

export interface ReplayJob {
  /** Absolute path of the script; its package decides how imports resolve. */
  file: string;
  /**
   * The import declarations. In a step's script, those that bring in nothing but what `pnpm
   * repl` of the step already has in scope are left out; the others are typed like any input.
   * In any other script they are evaluated first and not shown.
   */
  setup: string[];
  inputs: string[];
  /** Whether the script is a step's: its session then starts with the step REPL's scope. */
  stepScope: boolean;
  impl?: string;
}

export type ReplayEvent =
  /** The imports typed as inputs (indices into `setup`): they come first, then `inputs`. */
  | { type: 'plan'; shownImports: number[] }
  | { type: 'started'; index: number }
  | { type: 'evaluated'; index: number; output: string }
  | { type: 'setupFailed'; source: string; output: string }
  /** Node ran out of things to do while this input was still waiting: it can never finish. */
  | { type: 'stuck'; index: number; output: string }
  | { type: 'finished' };
