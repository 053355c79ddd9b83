// Placeholder until the runner lands; see runner.ts.
export {};
