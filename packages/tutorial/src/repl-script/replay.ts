import { dirname } from 'node:path';
import type { REPLServer } from 'node:repl';
import { PassThrough, Writable } from 'node:stream';
import { owningPackage, stepImportResolver } from '../repl/imports.ts';
import { startSession } from '../repl/session.ts';
import type { ReplayEvent, ReplayJob } from './protocol.ts';

// The process that replays one REPL script: one fresh process a script, so processes and
// registered names never leak from one script into the next, nor into the runner.
// It feeds the inputs one by one to the shared REPL session and reports what each printed.

/** Everything printed in this process, in the order it was printed, until taken. */
class OutputCapture {
  private text = '';

  get length(): number {
    return this.text.length;
  }

  append(chunk: string | Uint8Array): void {
    this.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  }

  take(): string {
    const taken = this.text;
    this.text = '';
    return taken;
  }
}

// The REPL prints values and errors on its output stream; the code being replayed prints through
// console and process.stdout/stderr. All of it goes to one capture, so the order is kept.
function captureAll(capture: OutputCapture): Writable {
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      capture.append(chunk);
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      capture.append(chunk);
      done();
    },
  });
}

// The REPL shows its prompt when it is ready for the next input: after the value is printed, an
// awaited promise settled, or an uncaught error was reported. That is the signal to go on.
// (An error thrown from a stray timer while an input is still awaiting also brings the prompt
// back, at a real prompt as here; the rest of that input's output then lands on the next one.)
function inputSubmitter(server: REPLServer): Evaluate {
  let ready: (() => void) | undefined;
  const showPrompt = server.displayPrompt.bind(server);
  server.displayPrompt = (preserveCursor?: boolean) => {
    showPrompt(preserveCursor);
    const resolve = ready;
    ready = undefined;
    resolve?.();
  };
  return (source) =>
    new Promise<void>((resolve) => {
      ready = resolve;
      // A whole input at once, as if pasted: a statement spanning lines is one input here.
      // Submitted from a fresh, named callback because the REPL trims an error's stack below
      // the last anonymous frame; from here it trims it the way it does at a real prompt.
      setImmediate(function submitInput() {
        server.emit('line', source);
      });
    });
}

// What an input sets off (a message sent, a process that logs) prints a moment later. A learner
// reads it before typing on, so wait until nothing more is printed for a few timer turns.
// Bounded in time too: output from a timer set for later belongs to a later input.
async function settle(capture: OutputCapture): Promise<void> {
  const quietTurnsWanted = 3;
  const deadline = performance.now() + 50;
  let quietTurns = 0;
  while (quietTurns < quietTurnsWanted && performance.now() < deadline) {
    const before = capture.length;
    await new Promise((resolve) => setTimeout(resolve, 0));
    quietTurns = capture.length === before ? quietTurns + 1 : 0;
  }
}

function report(event: ReplayEvent): Promise<void> {
  return new Promise((resolve) => process.send!(event, () => resolve()));
}

type Evaluate = (source: string) => Promise<void>;

async function replay(job: ReplayJob): Promise<void> {
  const capture = new OutputCapture();
  const server = startSession({
    input: new PassThrough(),
    output: captureAll(capture),
    prompt: '',
    terminal: false,
    useColors: false,
    resolveImport: stepImportResolver({
      step: owningPackage(job.file),
      baseDir: dirname(job.file),
      impl: job.impl,
    }),
    wholeInputs: true,
  });
  const evaluate = inputSubmitter(server);
  const failedImport = await importSetup(job.setup, evaluate, capture);
  if (failedImport) return report(failedImport);
  for (const [index, source] of job.inputs.entries()) {
    await replayInput(index, source, evaluate, capture);
  }
  await report({ type: 'finished' });
}

// The imports run like any input, but what they print is not part of the session.
async function importSetup(
  setup: readonly string[],
  evaluate: Evaluate,
  capture: OutputCapture,
): Promise<ReplayEvent | undefined> {
  for (const source of setup) {
    await evaluate(source);
    const printed = capture.take();
    if (/^Uncaught/m.test(printed)) return { type: 'setupFailed', source, output: printed };
  }
  await settle(capture);
  capture.take();
  return undefined;
}

async function replayInput(
  index: number,
  source: string,
  evaluate: Evaluate,
  capture: OutputCapture,
): Promise<void> {
  await report({ type: 'started', index });
  const stuck = () => reportStuck(index, capture);
  process.once('beforeExit', stuck);
  await evaluate(source);
  process.off('beforeExit', stuck);
  await settle(capture);
  await report({ type: 'evaluated', index, output: capture.take() });
}

// At a real prompt an input that awaits what nothing will ever bring (a reply from a process
// that is gone) hangs forever. Here Node notices: no timer, socket or message is left that could
// settle it, so the event loop empties. Say so now rather than at the time-out.
function reportStuck(index: number, capture: OutputCapture): void {
  void report({ type: 'stuck', index, output: capture.take() }).then(() => process.exit(0));
}

// `once`: with no listener left, the IPC channel no longer holds the event loop open, so an
// input that can never finish empties the loop (see reportStuck) instead of idling.
process.once('message', (job: ReplayJob) => {
  // Whatever the replayed code left running (timers, processes), the replay is over.
  void replay(job).then(() => process.exit(0));
});
