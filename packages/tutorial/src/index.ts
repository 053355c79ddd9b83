// The tutorial toolkit's public API: REPL scripts (replay and check), the step REPL, the docs tools.
export * from './repl/index.ts';
export * from './repl-script/index.ts';
