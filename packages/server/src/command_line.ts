/**
 * The command line of a chat server, the same in every step: the settings from flags and the
 * environment (`--help` lists them), a start that fails in one line, and a clean stop on
 * Ctrl-C or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { captureCrashReports, printCrashReport } from '@otp-chat/otp';
import { type ConfigOf, readSettings, type Setting, type SettingsTable } from './settings.js';

/** What the command line asks for: the help, or to run with the settings it gives. */
export type CommandLine<Table extends SettingsTable> =
  | { readonly help: true }
  | { readonly help: false; readonly settings: Partial<ConfigOf<Table>> };

/**
 * Reads `argv` (after the script's name) with the table's flags and `--help`, and the
 * environment for what the flags leave out. Throws on an unknown flag or a bad value: the
 * caller prints the message and `usage(table)`.
 */
export function readCommandLine<Table extends SettingsTable>(
  table: Table,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CommandLine<Table> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const setting of Object.values(table)) options[setting.flag] = { type: 'string' };
  // `pnpm start -- --port 0` passes the `--` on; it only separates pnpm's flags from ours.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values } = parseArgs({ args, options });
  if (values.help) return { help: true };
  return { help: false, settings: readSettings(table, values, env) };
}

/** The `--help` text: one entry per setting, with its default and its variable. */
export function usage(table: SettingsTable, command = 'pnpm start'): string {
  const lines = [`usage: ${command} [--<setting> <value>]... (or the environment variables)`];
  const settings = Object.values(table);
  const width = Math.max(...settings.map((setting) => flagHelp(setting).length));
  for (const setting of settings) {
    lines.push(`  ${flagHelp(setting).padEnd(width)}  ${setting.why}`);
    lines.push(`  ${' '.repeat(width)}  (default ${shownDefault(setting)}; env ${setting.env})`);
  }
  return lines.join('\n');
}

/** A setting's default for `--help`: `none` when there is none (no limit, no URL). */
function shownDefault(setting: Setting<unknown>): string {
  if (setting.default === undefined) return 'none';
  return setting.show?.(setting.default) ?? (String(setting.default) || 'none');
}

function flagHelp(setting: Setting<unknown>): string {
  return `--${setting.flag} <${setting.unit}>`;
}

/** What `runServer` runs: a server that starts from settings and stops cleanly. */
export interface ServerCommand<
  Table extends SettingsTable,
  Server extends { stop(): Promise<void> },
> {
  readonly settings: Table;
  /** Starts the server; rejects with a message for the user if it cannot. */
  readonly start: (settings: Partial<ConfigOf<Table>>) => Promise<Server>;
  /** The lines that say the server is ready, and how to reach it. */
  readonly ready: (server: Server) => readonly string[];
}

// #region run
/**
 * Runs a server from the command line. A bad flag or value exits 2 with the usage; a server
 * that cannot start (a port taken) exits 1 with one line that says why; Ctrl-C or SIGTERM
 * stops it cleanly (every user is told), and a second one stops the process at once.
 */
export async function runServer<
  Table extends SettingsTable,
  Server extends { stop(): Promise<void> },
>(command: ServerCommand<Table, Server>, argv = process.argv.slice(2)): Promise<void> {
  let line: CommandLine<Table>;
  try {
    line = readCommandLine(command.settings, argv, process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage(command.settings)}`);
    process.exitCode = 2;
    return;
  }
  if (line.help) {
    console.log(usage(command.settings));
    return;
  }
  // A start that fails makes each supervisor on the way up report it: one line says it better.
  const reports = captureCrashReports();
  let server: Server;
  try {
    server = await command.start(line.settings);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
    return;
  } finally {
    reports.restore();
  }
  for (const report of reports.reports) printCrashReport(report);
  // Before saying it is ready: a Ctrl-C that follows the ready line at once must find the
  // clean shutdown in place, not Node's default, which ends the process on the spot.
  stopOnSignal(server);
  for (const ready of command.ready(server)) console.log(ready);
}
// #endregion run

function stopOnSignal(server: { stop(): Promise<void> }): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      console.log('stopping now');
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: telling everyone and shutting down (again to force)`);
    await server.stop();
    console.log('chat server stopped');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
