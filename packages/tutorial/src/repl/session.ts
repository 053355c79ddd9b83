import repl, { type REPLEval, type REPLServer } from 'node:repl';
import type { Readable, Writable } from 'node:stream';
import { type ImportResolver, transpileInput } from './transpile.ts';

// The evaluation core that `pnpm repl` and the REPL-script runner share: Node's own REPL, with
// each input transpiled from TypeScript first. Everything else — top-level await, declarations
// that persist from one input to the next, how values and uncaught errors are printed — is the
// REPL's own behaviour, so a replayed script prints exactly what a learner sees at the prompt.

export interface SessionOptions {
  input: Readable;
  output: Writable;
  prompt: string;
  /** Line editing and history: true for a person at a terminal. */
  terminal: boolean;
  useColors: boolean;
  resolveImport?: ImportResolver;
  /**
   * Every input arrives whole (a replayed script). An input the REPL would wait on for more
   * lines is then a syntax error, reported at once rather than waited on forever.
   */
  wholeInputs?: boolean;
}

export function startSession(options: SessionOptions): REPLServer {
  const server = repl.start({
    input: options.input,
    output: options.output,
    prompt: options.prompt,
    terminal: options.terminal,
    useColors: options.useColors,
    // The `node` REPL evaluates in the main context too; objects then come from the same realm
    // as the modules the learner loaded, and their console is the real one.
    useGlobal: true,
    ignoreUndefined: true,
    preview: false,
    // Ctrl+C at a terminal stops an input that waits forever (`await receive()` with nothing
    // coming) or loops, instead of leaving the learner with a dead prompt.
    breakEvalOnSigint: options.terminal,
  });
  // The REPL exposes no default evaluator to wrap, only the one it installed; `eval` is typed
  // readonly but the REPL looks it up on every input, so replacing it is how to put TS in front.
  const writable = server as unknown as { eval: REPLEval };
  writable.eval = typeScriptEval(server.eval, options);
  return server;
}

function typeScriptEval(evaluateJs: REPLEval, options: SessionOptions): REPLEval {
  const resolveImport = options.resolveImport ?? ((specifier: string) => specifier);
  return function evaluateTypeScript(this: REPLServer, code, context, file, done) {
    let transpiled: ReturnType<typeof transpileInput>;
    try {
      transpiled = transpileInput(code, resolveImport);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    if (transpiled.kind === 'incomplete') {
      const cutOff = new SyntaxError(transpiled.reason);
      done(options.wholeInputs ? cutOff : new repl.Recoverable(cutOff), undefined);
      return;
    }
    const js = transpiled.js.trim() === '' ? '\n' : transpiled.js;
    evaluateJs.call(this, js, context, file, (error, result) => {
      const unwrapped =
        options.wholeInputs && error instanceof repl.Recoverable ? error.err : error;
      done(unwrapped, result);
    });
  };
}
