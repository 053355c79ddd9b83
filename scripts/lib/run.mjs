// Runs a child process with the terminal, and lets the child decide what Ctrl-C means: the
// terminal sends SIGINT to the whole process group, so this parent only waits for the child
// (a chat server shuts down gracefully) and then exits with its status.
import { spawn } from 'node:child_process';

export function run(cmd, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...options });
    const forward = (signal) => () => child.kill(signal);
    const onTerm = forward('SIGTERM');
    const onInt = () => {}; // the child got the same SIGINT from the terminal
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('error', (error) => {
      console.error(`could not run ${cmd}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });
}
