/**
 * Starting the benchmark's processes, and making sure none outlives the run. Each child runs a
 * TypeScript file of this package as `pnpm start` runs a server (node with SERVER_LOADER), with
 * its own IPC channel, in its own process group, and with the file-descriptor limit it needs.
 *
 * Cleaning up: every child is remembered until it exits. On exit, Ctrl-C or SIGTERM the
 * coordinator kills each child's process group; and a child whose coordinator died without
 * that chance (kill -9) sees its IPC channel close and exits by itself (see rpc.ts).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_LOADER } from '@otp-chat/server';
import { Caller, type ChildReady } from './rpc.ts';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The soft and hard limits on open files, as the shell reports them (null: unlimited). */
export interface FdLimits {
  readonly soft: number | null;
  readonly hard: number | null;
}

let cachedLimits: FdLimits | undefined;

export function fdLimits(): FdLimits {
  if (cachedLimits !== undefined) return cachedLimits;
  const [soft, hard] = execFileSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' })
    .trim()
    .split(/\s+/)
    .map((text) => (text === 'unlimited' ? null : Number(text)));
  cachedLimits = { soft: soft ?? null, hard: hard ?? null };
  return cachedLimits;
}

/** The most open files a child can get: the hard limit, which only root could raise. */
export function maxFds(): number {
  return fdLimits().hard ?? Number.MAX_SAFE_INTEGER;
}

export interface ChildOptions {
  /** A file of this package, e.g. `src/server_child.ts`. */
  readonly file: string;
  readonly args?: readonly string[];
  /** Extra flags for node, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
  /** How many files the child must be able to open; its soft limit is raised to that. */
  readonly fds?: number;
  /** The CPUs it may run on, as taskset lists them (`0`, `1-3`); all of them if not given. */
  readonly cpus?: string | undefined;
  /** For messages: `server otp-chat`, `worker 2`. */
  readonly label: string;
}

/** A running child: call its handlers, then stop it. */
export class Child {
  readonly caller: Caller;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;

  constructor(
    private readonly process: ChildProcess,
    readonly label: string,
  ) {
    this.caller = new Caller(process, label);
    this.exited = new Promise((resolve) =>
      process.once('exit', (code, signal) => {
        live.delete(this);
        this.caller.failAll(`exited (${signal ?? code})`);
        resolve();
      }),
    );
  }

  call<T>(method: string, params?: unknown): Promise<T> {
    return this.caller.call<T>(method, params);
  }

  /** Kills the child's whole process group at once. */
  kill(): void {
    const pid = this.process.pid;
    if (pid === undefined || this.process.exitCode !== null || this.process.signalCode !== null)
      return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      this.process.kill('SIGKILL');
    }
  }

  /** Kills the child and waits until it has gone. */
  async stop(): Promise<void> {
    this.kill();
    await this.exited;
  }
}

/** Every child not yet exited, for the clean-up on the way out. */
const live = new Set<Child>();

/**
 * Starts a child and waits until it says it is ready; resolves to it and what it said. The
 * child runs this process's own Node binary (`process.execPath`), so a benchmark re-run under
 * another Node (`npx node@24 ...`) measures that Node on every side; the child says which Node
 * it runs, and a mismatch fails the run.
 */
export async function startChild<T extends ChildReady>(options: ChildOptions): Promise<[Child, T]> {
  installCleanup();
  const node = [
    ...(options.nodeFlags ?? []),
    '--conditions=source',
    '--import',
    SERVER_LOADER,
    join(packageDir, options.file),
    ...(options.args ?? []),
  ];
  const [command, args] = withFdLimit(
    options.fds,
    pinned(options.cpus, [process.execPath, ...node]),
  );
  const spawned = spawn(command, args, {
    cwd: packageDir,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Its own process group, so that killing the group takes the shell wrapper's node too.
    detached: true,
  });
  const child = new Child(spawned, options.label);
  live.add(child);
  const ready = await Promise.race([
    child.caller.ready,
    child.exited.then(() => {
      throw new Error(`${options.label} exited before it was ready`);
    }),
  ]);
  const said = ready as T;
  if (said.node !== process.version) {
    child.kill();
    throw new Error(
      `${options.label} runs Node ${said.node}, not ${process.version} as the run does`,
    );
  }
  return [child, said];
}

let tasksetFound: boolean | undefined;

/** Whether processes can be pinned to CPUs here (util-linux's taskset is installed). */
export function canPin(): boolean {
  if (tasksetFound === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      tasksetFound = true;
    } catch {
      tasksetFound = false;
    }
  }
  return tasksetFound;
}

/** The command, run through `taskset -c <cpus>` when it is to be pinned. */
function pinned(cpus: string | undefined, command: string[]): string[] {
  return cpus === undefined ? command : ['taskset', '-c', cpus, ...command];
}

/**
 * The command, started through `sh -c 'ulimit -Sn N && exec ...'` when the child needs more
 * files than the soft limit allows. Only the soft limit can be raised, and only up to the hard
 * one; the caller keeps the need within that (see maxFds).
 */
function withFdLimit(fds: number | undefined, command: string[]): [string, string[]] {
  const { soft } = fdLimits();
  const [file, ...args] = command as [string, ...string[]];
  if (fds === undefined || soft === null || fds <= soft) return [file, args];
  const limit = Math.min(fds, maxFds());
  return ['sh', ['-c', `ulimit -Sn ${limit} && exec "$0" "$@"`, file, ...args]];
}

let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', killAll);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping every process the benchmark started`);
      killAll();
      process.exit(code);
    });
  }
}

export function killAll(): void {
  for (const child of live) child.kill();
}
