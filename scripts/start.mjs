#!/usr/bin/env node
// `npm start` / `npx pnpm start [<step>] [flags]`: runs a chat server step (a step whose
// package.json has a "start" script), passing on any flags. Without a step it runs the newest
// one; `npx pnpm start 05` runs step 05, which is how each chapter tries its own step. Before
// the network steps exist it replays step 01's REPL session, so the command always shows
// something real.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './lib/run.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stepsDir = join(root, 'steps');

function readStep(dir) {
  const file = join(stepsDir, dir, 'package.json');
  if (!existsSync(file)) return null;
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  return pkg.otpChat ? { dir, ...pkg } : null;
}

const steps = (existsSync(stepsDir) ? readdirSync(stepsDir) : [])
  .map(readStep)
  .filter((pkg) => pkg !== null)
  .sort((a, b) => a.otpChat.step - b.otpChat.step);
const servers = steps.filter((pkg) => pkg.scripts?.start);

// `npx pnpm start -- --port 0` hands the `--` on; it only separated pnpm's flags from ours.
const args = withoutSeparator(process.argv.slice(2));
const named = args[0] !== undefined && !args[0].startsWith('-') ? args[0] : undefined;
const flags = named === undefined ? args : withoutSeparator(args.slice(1));

function withoutSeparator(list) {
  return list[0] === '--' ? list.slice(1) : list;
}

/** `5`, `05`, `05-tcp-chat` or `@otp-chat/05-tcp-chat`, as the tutorial's commands take a step. */
function findStep(arg) {
  const wanted = arg.replace(/^@otp-chat\//, '').replace(/\/+$/, '');
  return steps.find((pkg) =>
    /^\d+$/.test(wanted) ? pkg.otpChat.step === Number(wanted) : pkg.dir === wanted,
  );
}

function label(pkg) {
  return String(pkg.otpChat.step).padStart(2, '0');
}

let server = servers.at(-1);
if (named !== undefined) {
  server = findStep(named);
  const choices = servers.map((pkg) => `${label(pkg)} (${pkg.otpChat.title})`).join(', ');
  if (server === undefined) {
    console.error(
      `There is no step "${named}". The steps with a server: ${choices || 'none yet'}.`,
    );
    process.exit(2);
  }
  if (!server.scripts?.start) {
    console.error(
      `Step ${label(server)}, ${server.otpChat.title}, has no server to start: try it in its ` +
        `REPL, npx pnpm repl ${label(server)}. The steps with a server: ${choices || 'none yet'}.`,
    );
    process.exit(2);
  }
}

const [cmd, cmdArgs] = server
  ? ['pnpm', ['--silent', '--filter', server.name, 'start', ...flags]]
  : ['pnpm', ['--silent', 'tutorial', 'run', '01']];
if (server) console.error(`Starting ${server.otpChat.title} (${server.name})`);
else console.error('No chat server step yet: replaying the step 01 REPL session.');
process.exit(await run(cmd, cmdArgs, { cwd: root }));
