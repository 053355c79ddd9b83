/**
 * A server's settings as one table: for each, the config key, the command-line flag, the
 * environment variable, the default, what kind of value it takes and why it is there. The
 * config type, its defaults, the reading of flags and environment and the `--help` text all
 * come from the table, so adding a setting (a new limit, say) is adding one entry.
 */
// #region setting
/** One setting: where it is read from, what it is when nothing says otherwise, and why. */
export interface Setting<T> {
  /** The command-line flag, without its `--`: `max-unread`. */
  readonly flag: string;
  /** The environment variable, read when the flag is not given: `CHAT_MAX_UNREAD`. */
  readonly env: string;
  readonly default: T;
  /** What the value is, as `--help` shows it: `ms`, `bytes`, `port`... */
  readonly unit: string;
  /** Turns the text given into the value; throws a RangeError that says why it cannot. */
  readonly parse: (text: string) => T;
  /** One line for `--help`: what the setting limits or changes. */
  readonly why: string;
  /**
   * A rule this setting keeps with others, when a value makes sense only beside theirs: given
   * the whole config (defaults filled in), throws a RangeError that names the flags.
   */
  readonly fitsWith?: (config: Readonly<Record<string, unknown>>) => void;
  /** The default as `--help` shows it, when String() would not write it as the flag takes it. */
  show?(value: T): string;
}

/** A table of settings, keyed by the config field each one sets. */
export type SettingsTable = { readonly [key: string]: Setting<unknown> };

/** The config a table describes: one field per entry, of the type its `parse` gives. */
export type ConfigOf<Table extends SettingsTable> = {
  readonly [Key in keyof Table]: Table[Key] extends Setting<infer T> ? T : never;
};
// #endregion setting

/** Every setting at its default. */
export function defaultsOf<Table extends SettingsTable>(table: Table): ConfigOf<Table> {
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(table)) config[key] = setting.default;
  return config as ConfigOf<Table>;
}

/**
 * The settings given, from the flags (parsed, keyed by flag name) or else the environment; the
 * others are left out, for the defaults to fill. A bad value throws a RangeError that names the
 * flag or variable it came from; so does a value that does not fit with another (`fitsWith`).
 */
export function readSettings<Table extends SettingsTable>(
  table: Table,
  flags: Readonly<Record<string, string | boolean | undefined>>,
  env: Readonly<Record<string, string | undefined>>,
): Partial<ConfigOf<Table>> {
  const given: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(table)) {
    const flag = flags[setting.flag];
    const [source, text] =
      flag === undefined ? [setting.env, env[setting.env]] : [`--${setting.flag}`, flag];
    if (text === undefined) continue;
    if (typeof text !== 'string') throw new RangeError(`${source} takes a value`);
    try {
      given[key] = setting.parse(text);
    } catch (error) {
      throw new RangeError(`${source}: ${(error as Error).message}`);
    }
  }
  // Each value is valid alone; now those that depend on another, against the defaults too.
  const config = { ...defaultsOf(table), ...given };
  for (const setting of Object.values(table)) setting.fitsWith?.(config);
  return given as Partial<ConfigOf<Table>>;
}

// #region parsers
/** A whole number above 0: a count, a size, a duration. */
export function positiveInteger(text: string): number {
  const number = Number(text);
  if (!/^\d+$/.test(text.trim()) || number === 0 || !Number.isSafeInteger(number)) {
    throw new RangeError(`not a whole number above 0: '${text}'`);
  }
  return number;
}

/** A whole number, 0 included: a duration where 0 means never. */
export function wholeNumber(text: string): number {
  const number = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(number)) {
    throw new RangeError(`not a whole number: '${text}'`);
  }
  return number;
}

/** A TCP port; 0 lets the system pick a free one. */
export function portNumber(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535) {
    throw new RangeError(`not a port: '${text}' (use 0-65535; 0 picks a free port)`);
  }
  return port;
}

const MS_PER: Readonly<Record<string, number>> = {
  d: 24 * 60 * 60 * 1000,
  h: 60 * 60 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
};

/**
 * A duration above 0, with its unit, in ms: `500ms`, `90s`, `15m`, `12h`, `30d`. The unit is
 * required: a bare `30` could be seconds or days, and a setting measured in days should not
 * have to be written in milliseconds.
 */
export function duration(text: string): number {
  const [, count, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim()) ?? [];
  const ms = Number(count) * (MS_PER[unit ?? ''] ?? Number.NaN);
  if (!Number.isSafeInteger(ms) || ms === 0) {
    throw new RangeError(
      `not a duration: '${text}' (a whole number above 0 and a unit: 500ms, 90s, 15m, 12h, 30d)`,
    );
  }
  return ms;
}

/** A duration as `duration` reads it, in the largest unit that writes it whole: `1m`. */
export function showDuration(ms: number): string {
  const [unit, size] = Object.entries(MS_PER).find(([, size]) => ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}

/** A comma-separated list; an empty text is an empty list. */
export function commaList(text: string): readonly string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** Any text but an empty one. */
export function nonEmpty(text: string): string {
  if (text.trim() === '') throw new RangeError('cannot be empty');
  return text.trim();
}
// #endregion parsers
