/**
 * A process of the benchmark profiling its own CPU: V8's sampling profiler (the one
 * `node --cpu-prof` runs), started and stopped through this process's own inspector session,
 * so that a profile covers the measured window only, not the start-up or the connecting.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const inspector = new Session();

function post<T>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) =>
    inspector.post(method, params, (error, result) =>
      error ? reject(error) : resolve(result as T),
    ),
  );
}

export async function startProfile(): Promise<void> {
  inspector.connect();
  await post('Profiler.enable');
  await post('Profiler.start');
}

/** Stops the profiler and writes what it sampled to `file` (a .cpuprofile, for DevTools too). */
export async function stopProfile({ file }: { file: string }): Promise<void> {
  const { profile } = await post<{ profile: object }>('Profiler.stop');
  inspector.disconnect();
  writeFileSync(file, JSON.stringify(profile));
}
