import { type ChildProcess, spawn } from 'node:child_process';
import type { Sandbox } from './sandbox.ts';

// A command as the newcomer types it: in a fresh bash (no profile, no rc) in the clone, with
// its own process group, as a terminal gives each command line, so that Ctrl-C can be sent the
// way a terminal sends it, to the whole group. Standard error goes where standard output goes,
// in order, as on a terminal.

export interface Ended {
  output: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** It was still running when its time was up, and was killed. */
  timedOut: boolean;
  seconds: number;
}

export class Command {
  private text = '';
  private readonly child: ChildProcess;
  private readonly started = performance.now();
  readonly ended: Promise<Ended>;
  private changed: (() => void) | undefined;

  constructor(
    sandbox: Pick<Sandbox, 'root' | 'env'>,
    command: string,
    env: NodeJS.ProcessEnv = {},
    stdin = false,
  ) {
    this.child = spawn('bash', ['--noprofile', '--norc', '-c', `exec 2>&1\n${command}`], {
      cwd: sandbox.root,
      env: { ...sandbox.env, ...env },
      detached: true,
      stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'ignore'],
    });
    // Decoded as a stream, so a character split between two reads comes out whole.
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      this.text += chunk;
      this.changed?.();
    });
    let timedOut = false;
    this.kill = () => {
      timedOut = true;
      this.signal('SIGKILL');
    };
    this.ended = new Promise((resolve) => {
      // No bash on the PATH, say: nothing ran, and the output says why.
      this.child.on('error', (error) => {
        this.text += `could not run bash: ${error.message}\n`;
      });
      this.child.on('close', (code, signal) => {
        this.changed?.();
        const seconds = (performance.now() - this.started) / 1000;
        resolve({ output: this.text, code, signal, timedOut, seconds });
      });
    });
  }

  /** Kills the whole group at once: the time given to the command is up. */
  readonly kill: () => void;

  get output(): string {
    return this.text;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends a signal to every process of the command's group, as a terminal's Ctrl-C does. */
  signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // The group is gone already.
    }
  }

  write(text: string): void {
    this.child.stdin?.write(text);
  }

  /**
   * Waits until `ready` holds for the output (from `from` on) and the output has then been quiet
   * for `quietMs`; false if the command ended first or `timeoutMs` passed.
   */
  async waitFor(
    ready: (output: string) => boolean,
    { from = 0, quietMs = 200, timeoutMs = 60_000 } = {},
  ): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    let lastLength = -1;
    let quietSince = performance.now();
    for (;;) {
      const output = this.text.slice(from);
      if (output.length !== lastLength) {
        lastLength = output.length;
        quietSince = performance.now();
      }
      const now = performance.now();
      if (ready(output) && now - quietSince >= quietMs) return true;
      if (!this.running || now > deadline) return ready(output);
      await new Promise<void>((resolve) => {
        this.changed = resolve;
        setTimeout(resolve, Math.min(quietMs, 50));
      });
      this.changed = undefined;
    }
  }
}

/**
 * Runs a command to its end, killing it when `timeoutMs` has passed. `everyMinute` hears how
 * long a long command has been running, so that a log shows it is not stuck.
 */
export async function runToEnd(
  sandbox: Sandbox,
  command: string,
  timeoutMs: number,
  everyMinute?: (minutes: number) => void,
): Promise<Ended> {
  const running = new Command(sandbox, command);
  const timer = setTimeout(running.kill, timeoutMs);
  let minutes = 0;
  const ticker = setInterval(() => everyMinute?.(++minutes), 60_000);
  const ended = await running.ended;
  clearTimeout(timer);
  clearInterval(ticker);
  return ended;
}

/**
 * What a command printed, without the lines the package manager prints before running a
 * script (`> otp-chat@ start /path`, `> node scripts/...`, and a blank line): they name the
 * machine's path, and a chapter shows what the command itself says.
 */
export function withoutScriptBanner(output: string): string {
  const lines = output.split('\n');
  let i = 0;
  while (lines[i] === '') i++;
  if (!lines[i]?.startsWith('> ')) return output;
  while (lines[i]?.startsWith('> ')) i++;
  if (lines[i] === '') i++;
  return lines.slice(i).join('\n');
}

/** Lines a newcomer would read as a failure report, from npm, pnpm or Node. */
export const FAILURE_REPORT = /ELIFECYCLE|Command failed|ERR_PNPM|npm error|npm ERR!/;

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
