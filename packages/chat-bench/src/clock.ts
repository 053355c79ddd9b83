/**
 * The clock every process of the benchmark reads. `process.hrtime` is the system's monotonic
 * clock (CLOCK_MONOTONIC on Linux), which all processes on one machine share, so a time taken
 * by the sender in one process and a time taken by a receiver in another can be subtracted:
 * that is the end-to-end latency. Wall-clock time (Date.now) could jump, and has only
 * millisecond resolution.
 */

/** Now, in microseconds on the shared monotonic clock. */
export function nowUs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e6 + Math.floor(nanoseconds / 1000);
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
