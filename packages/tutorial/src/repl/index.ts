// The REPL a chapter is read beside, and the evaluation core it shares with the script runner.
export { IMPL_ENV, stepImportResolver } from './imports.ts';
export { type SessionOptions, startSession } from './session.ts';
export { type LoadedModule, openStepRepl, type StepReplOptions } from './step-repl.ts';
export { type ImportResolver, type TranspiledInput, transpileInput } from './transpile.ts';
