#!/usr/bin/env node
// `npm start` / `pnpm start`: runs the newest step that is a runnable chat server (a step whose
// package.json has a "start" script), passing on any flags. Before the network steps exist it
// replays step 01's REPL session instead, so the command always shows something real.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './lib/run.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stepsDir = join(root, 'steps');

function readStep(dir) {
  const file = join(stepsDir, dir, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

const steps = (existsSync(stepsDir) ? readdirSync(stepsDir) : [])
  .map(readStep)
  .filter((pkg) => pkg?.otpChat)
  .sort((a, b) => a.otpChat.step - b.otpChat.step);
const server = steps.filter((pkg) => pkg.scripts?.start).at(-1);

// `pnpm start -- --port 0` hands the `--` on; it only separated pnpm's flags from the server's.
const flags = process.argv[2] === '--' ? process.argv.slice(3) : process.argv.slice(2);
const [cmd, args] = server
  ? ['pnpm', ['--silent', '--filter', server.name, 'start', ...flags]]
  : ['pnpm', ['--silent', 'tutorial', 'run', '01']];
if (server) console.error(`Starting ${server.otpChat.title} (${server.name})`);
else console.error('No chat server step yet: replaying the step 01 REPL session.');
process.exit(await run(cmd, args, { cwd: root }));
