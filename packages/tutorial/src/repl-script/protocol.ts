// What the runner and the process that replays one script say to each other over IPC.

export interface ReplayJob {
  /** Absolute path of the script; its package decides how imports resolve. */
  file: string;
  /** The import declarations, evaluated first and not shown. */
  setup: string[];
  inputs: string[];
  impl?: string;
}

export type ReplayEvent =
  | { type: 'started'; index: number }
  | { type: 'evaluated'; index: number; output: string }
  | { type: 'setupFailed'; source: string; output: string }
  /** Node ran out of things to do while this input was still waiting: it can never finish. */
  | { type: 'stuck'; index: number; output: string }
  | { type: 'finished' };
