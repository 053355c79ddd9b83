import { UsageError } from '../errors.ts';
import { openStepRepl } from './step-repl.ts';

// Entry point of `pnpm repl <step>` (run by tsx with --conditions=source, see the root
// package.json). A step that does not exist is a usage error: exit code 2, the steps listed.

try {
  const server = await openStepRepl(process.argv.slice(2));
  // Processes or timers the learner left running must not keep Node alive after `.exit`.
  server.on('exit', () => process.exit(0));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exit(error.exitCode);
  }
  // Most likely the step's code does not load (a learner's work in progress): say so plainly.
  console.error(`The REPL could not start: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
}
