import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_LOADER } from '@otp-chat/server';
import { afterEach } from 'vitest';
import { sleep } from './fixture.ts';
import type { ConformanceConfig, ProcessSetting } from './step.ts';

/**
 * Where the code under test is: the `src/index.ts` of the step whose package.json is
 * `manifest`, or of the implementation OTP_CHAT_IMPL names (relative to the repository root),
 * as vitest.shared.ts resolves the step's own name for its tests.
 */
export function implementationEntry(manifest: URL | string): string {
  const stepDir = dirname(manifest instanceof URL ? fileURLToPath(manifest) : manifest);
  const impl = process.env.OTP_CHAT_IMPL;
  const dir = impl ? (isAbsolute(impl) ? impl : resolve(workspaceRoot(stepDir), impl)) : stepDir;
  return join(dir, 'src', 'index.ts');
}

function workspaceRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
  }
  throw new Error(`no pnpm-workspace.yaml above ${from}`);
}

let servers = 0;

/**
 * A step that stores (8 on) keeps its data under OTP_CHAT_DATA_DIR: each server in a process of
 * its own gets a directory of its own below it, so what one test stored never shows in the next.
 */
export function ownDataDir(): { OTP_CHAT_DATA_DIR?: string } {
  const parent = process.env.OTP_CHAT_DATA_DIR;
  if (parent === undefined || parent === '') return {};
  servers += 1;
  return { OTP_CHAT_DATA_DIR: join(parent, `server-${process.pid}-${servers}`) };
}

/** What a server in its own process tells about itself. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** The telnet port (and the web one, for a step with a web transport). */
  readonly port: number;
  readonly webPort: number | undefined;
  /** Where a WebSocket client connects, for a step with a web transport. */
  readonly wsUrl: string | undefined;
  /** The server process's own `process.memoryUsage()`, now. */
  memory(): Promise<NodeJS.MemoryUsage>;
}

// The child: starts the step's server and answers the parent's questions over IPC.
const CHILD = `
const step = await import(process.env.OTP_CHAT_ENTRY);
const chat = await step.startChat(JSON.parse(process.env.OTP_CHAT_CONFIG));
process.on('message', (message) => {
  if (message === 'memory') process.send({ memory: process.memoryUsage() });
});
process.send({ port: chat.port, webPort: chat.webPort, wsUrl: chat.wsUrl });
`;

/**
 * Starts servers of the step under test in processes of their own, so that a test can stop one
 * (SIGSTOP) or measure its memory apart from the clients'. Every one is killed after each test.
 */
export function serverProcesses(entry: string, given: ProcessSetting = { env: {}, config: {} }) {
  const running: ChildProcess[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) child.kill('SIGKILL');
  });

  return async function start(config: Partial<ConformanceConfig> = {}): Promise<ServerProcess> {
    const child = spawn(
      process.execPath,
      ['--import', SERVER_LOADER, '--conditions=source', '--input-type=module', '-e', CHILD],
      {
        cwd: dirname(dirname(entry)),
        env: {
          ...process.env,
          ...ownDataDir(),
          ...given.env,
          OTP_CHAT_ENTRY: entry,
          OTP_CHAT_CONFIG: JSON.stringify({ port: 0, webPort: 0, ...given.config, ...config }),
        },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      },
    );
    running.push(child);
    let stderr = '';
    // What the server says on stderr (warnings, crash reports) shows in the test's output too:
    // when a test fails, that is often why.
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      process.stderr.write(text.replace(/^/gm, '[server] '));
    });
    const [ready] = (await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(() => {
        throw new Error(`the server process exited before it listened:\n${stderr}`);
      }),
    ])) as [{ port: number; webPort?: number; wsUrl?: string }];
    return {
      child,
      port: ready.port,
      webPort: ready.webPort,
      wsUrl: ready.wsUrl,
      async memory() {
        child.send('memory');
        for (;;) {
          const [answer] = (await once(child, 'message')) as [{ memory?: NodeJS.MemoryUsage }];
          if (answer.memory !== undefined) return answer.memory;
        }
      },
    };
  };
}

/**
 * Each of `speakers` says `count` messages 250 ms apart (4 a second, well within the flood
 * rule's 20) while `server` is stopped for 5 s (SIGSTOP) 1.5 s in: during the stall about 20
 * messages per speaker wait in the kernel, and all arrive at once when the server resumes.
 * Resolves when every message is sent. Issue 12: judging the rate on arrival must not take
 * such users for flooders.
 */
export async function talkThroughStall(
  server: ServerProcess,
  speakers: readonly ((i: number) => void)[],
  count: number,
): Promise<void> {
  const talking = speakers.map(async (say) => {
    for (let i = 0; i < count; i++) {
      say(i);
      await sleep(250);
    }
  });
  await sleep(1500);
  server.child.kill('SIGSTOP');
  await sleep(5000);
  server.child.kill('SIGCONT');
  await Promise.all(talking);
}
