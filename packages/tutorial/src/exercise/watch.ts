import { type FSWatcher, watch } from 'node:fs';

// Re-runs a check whenever the learner saves a file in their workspace. Editors write a file in
// several events (truncate, write, rename), so changes are collected for a short quiet period;
// a change during a run queues exactly one more run rather than one per event.

export interface Watch {
  close(): void;
}

export function watchDir(dir: string, run: () => Promise<unknown>, quietMs = 200): Watch {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const trigger = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await run();
    } finally {
      running = false;
      if (again) {
        again = false;
        void trigger();
      }
    }
  };
  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, file) => {
    if (file && String(file).split(/[\\/]/).includes('node_modules')) return;
    clearTimeout(timer);
    timer = setTimeout(() => void trigger(), quietMs);
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
