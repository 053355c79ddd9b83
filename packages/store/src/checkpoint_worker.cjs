'use strict';
/**
 * The SQLite checkpointer's thread (see checkpointer.ts): a connection of its own to the file,
 * and a PASSIVE checkpoint every `everyMs`. Plain JavaScript, loaded without the TypeScript
 * loader: a thread that does one thing should start in milliseconds.
 */
const { parentPort, workerData } = require('node:worker_threads');

const { file, library, everyMs } = workerData;

function open() {
  if (library === 'node:sqlite') {
    const { DatabaseSync } = require('node:sqlite');
    return new DatabaseSync(file);
  }
  const Database = require('better-sqlite3');
  return new Database(file, { fileMustExist: true });
}

const db = open();
// PASSIVE: copies what the log holds into the file as far as no reader still needs it, and
// never waits for a lock; what it cannot copy now, the next one will. So a busy or locked
// database is no failure either (SQLite's codes 5 and 6); anything else ends the thread.
function checkpoint() {
  try {
    db.exec('PRAGMA wal_checkpoint(PASSIVE)');
  } catch (error) {
    if (!isBusy(error)) throw error;
  }
}

function isBusy({ code, errcode }) {
  if (typeof errcode === 'number') return (errcode & 0xff) === 5 || (errcode & 0xff) === 6;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}
const timer = setInterval(checkpoint, everyMs);

parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
