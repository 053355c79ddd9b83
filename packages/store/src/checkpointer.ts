/**
 * SQLite's checkpoints, away from the server's thread. In WAL mode a commit appends to the log
 * (no fsync with synchronous = NORMAL), and a checkpoint copies the log back into the database
 * file, and fsyncs it: the only disk flush SQLite makes. By default the connection that commits
 * runs it, every 1,000 pages of log, inside a commit: on the thread every connection of the
 * server runs on, for as long as the disk takes. Here the server's connection makes none
 * (`wal_autocheckpoint = 0`), and a worker thread with a connection of its own makes one every
 * CHECKPOINT_EVERY_MS: the log stays as small as what is written meanwhile, and a slow disk
 * holds up the worker, not the chat.
 *
 * Should the worker fail, the server's connection checkpoints again by itself, as by default.
 */
import { Worker } from 'node:worker_threads';
import type { SqliteFile } from './sqlite.ts';

/** How often the worker checkpoints: the log holds at most what is written meanwhile. */
export const CHECKPOINT_EVERY_MS = 250;
/** SQLite's own default, put back should the worker fail. */
const AUTOCHECKPOINT_PAGES = 1000;

export interface Checkpointer {
  /** Stops the worker and closes its connection; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Moves the checkpoints of `sqlite` (open on `file`, in WAL mode) to a worker thread. */
export function checkpointElsewhere(sqlite: SqliteFile, file: string): Checkpointer {
  sqlite.exec('PRAGMA wal_autocheckpoint = 0');
  const worker = new Worker(new URL('./checkpoint_worker.cjs', import.meta.url), {
    workerData: { file, library: sqlite.library, everyMs: CHECKPOINT_EVERY_MS },
    // Plain JavaScript: none of the parent's loaders (tsx) to start.
    execArgv: [],
  });
  // The worker never keeps the process alive: a store nobody closed does not hang an exit.
  worker.unref();
  let stopped = false;
  worker.on('error', (error) => {
    if (stopped) return;
    console.warn(
      `SQLite checkpointer: ${error.message}; the server's connection checkpoints again`,
    );
    sqlite.exec(`PRAGMA wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop() {
      stopped = true;
      // Held again while it stops: whoever awaits the stop keeps the process alive until then.
      worker.ref();
      worker.postMessage('stop');
      return exited;
    },
  };
}
