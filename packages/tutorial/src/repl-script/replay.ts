import { dirname } from 'node:path';
import type { REPLServer } from 'node:repl';
import { PassThrough, Writable } from 'node:stream';
import { owningPackage, REPOSITORY_ROOT, stepImportResolver } from '../repl/imports.ts';
import { startSession } from '../repl/session.ts';
import { loadReplScope, putInScope } from '../repl/step-repl.ts';
import { type ImportBindings, type ImportResolver, importBindings } from '../repl/transpile.ts';
import { ts } from '../repl/typescript.ts';
import type { ReplayEvent, ReplayJob } from './protocol.ts';

// The process that replays one REPL script: one fresh process a script, so processes and
// registered names never leak from one script into the next, nor into the runner. A step's
// script starts as `pnpm repl <step>` starts, with the same names in scope, and what a chapter
// shows is exactly what a reader types into a fresh REPL: the script's imports of names that
// are in scope already are left out, any other import is typed like the rest.
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
  const step = owningPackage(job.file);
  const resolveImport = stepImportResolver({ step, baseDir: dirname(job.file), impl: job.impl });
  const server = startSession({
    input: new PassThrough(),
    output: captureAll(capture),
    prompt: '',
    terminal: false,
    useColors: false,
    resolveImport,
    wholeInputs: true,
  });
  const evaluate = inputSubmitter(server);
  let shownImports: string[] = [];
  if (job.stepScope) {
    // The session starts as `pnpm repl <step>` does; an import is typed only if it adds something.
    try {
      putInScope(server, await loadReplScope(REPOSITORY_ROOT, step, job.impl));
    } catch (error) {
      // The step's code does not load (a learner's work in progress): as the REPL would say.
      const output = `Uncaught ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
      return report({ type: 'setupFailed', source: job.setup[0] ?? step.name, output });
    }
    const shown = await importsToType(job.setup, server.context, resolveImport);
    await report({ type: 'plan', shownImports: shown });
    shownImports = shown.map((i) => job.setup[i]!);
  } else {
    const failedImport = await importSetup(job.setup, evaluate, capture);
    if (failedImport) return report(failedImport);
  }
  for (const [index, source] of [...shownImports, ...job.inputs].entries()) {
    const output = await replayInput(index, source, evaluate, capture);
    if (index < shownImports.length && /^Uncaught/m.test(output)) {
      return report({ type: 'setupFailed', source, output });
    }
  }
  await report({ type: 'finished' });
}

/**
 * The imports (indices into `imports`) that bring in something the REPL does not already have
 * in scope under the same name: a reader must type those. Types alone exist in no scope.
 */
async function importsToType(
  imports: readonly string[],
  scope: Record<string, unknown>,
  resolveImport: ImportResolver,
): Promise<number[]> {
  const shown: number[] = [];
  for (const [index, source] of imports.entries()) {
    const declaration = ts
      .createSourceFile('import.ts', source, ts.ScriptTarget.ES2022, true)
      .statements.find(ts.isImportDeclaration);
    if (!declaration) continue;
    const bindings = importBindings(declaration);
    if (bindings.typeOnly) continue;
    const provided =
      bindings.namespace === undefined &&
      bindings.names.length > 0 &&
      (await inScope(bindings, scope, resolveImport));
    if (!provided) shown.push(index);
  }
  return shown;
}

async function inScope(
  bindings: ImportBindings,
  scope: Record<string, unknown>,
  resolveImport: ImportResolver,
): Promise<boolean> {
  let exports: Record<string, unknown>;
  try {
    exports = await import(resolveImport(bindings.specifier));
  } catch {
    return false; // typed as an input, the import then fails where the reader would see it
  }
  return bindings.names.every(
    ({ imported, local }) => local in scope && scope[local] === exports[imported],
  );
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
): Promise<string> {
  await report({ type: 'started', index });
  const stuck = () => reportStuck(index, capture);
  process.once('beforeExit', stuck);
  await evaluate(source);
  process.off('beforeExit', stuck);
  await settle(capture);
  const output = capture.take();
  await report({ type: 'evaluated', index, output });
  return output;
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
