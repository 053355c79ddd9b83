// REPL scripts: replaying a step's `repl/*.repl.ts` the way the REPL would, and checking what
// each input prints against its `// =>` annotation.
export { runCommand } from './cli.ts';
export { type ParsedScript, parseScript, type ScriptInput } from './parse.ts';
export type { ScriptEntry, ScriptResult } from './report.ts';
export { type RunOptions, runScript, runStepScripts, stepScripts } from './runner.ts';
