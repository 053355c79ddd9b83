/**
 * The settings a server that stores what was said adds (step 8 on): which database, and how
 * long messages are kept. Nothing is deleted unless a retention limit is given.
 */
import type { RetentionOptions, StoreLocation } from '@otp-chat/store';
import { defaultDataDir, withoutPassword } from '@otp-chat/store/location';
import {
  type ConfigOf,
  duration,
  nonEmpty,
  positiveInteger,
  type SettingsTable,
  showDuration,
} from './settings.js';

// #region store
export const storeSettings = {
  databaseUrl: {
    flag: 'database-url',
    env: 'DATABASE_URL',
    default: undefined as string | undefined,
    unit: 'url',
    parse: databaseUrl,
    why: 'the PostgreSQL database to store in (postgres://...); without one, SQLite in --data-dir',
  },
  dataDir: {
    flag: 'data-dir',
    env: 'OTP_CHAT_DATA_DIR',
    default: defaultDataDir(),
    unit: 'dir',
    parse: nonEmpty,
    why: 'where the SQLite file is kept (made if missing), when no --database-url is given',
  },
  retentionMaxAgeMs: {
    flag: 'retention-max-age',
    env: 'CHAT_RETENTION_MAX_AGE',
    default: undefined as number | undefined,
    unit: 'duration',
    parse: duration,
    why: 'messages older than this are deleted (30d, 12h...); by default, none for its age',
  },
  retentionMaxMessages: {
    flag: 'retention-max-messages',
    env: 'CHAT_RETENTION_MAX_MESSAGES',
    default: undefined as number | undefined,
    unit: 'messages',
    parse: positiveInteger,
    why: 'a room keeps its newest this many messages, the older are deleted; by default, all',
  },
  retentionIntervalMs: {
    flag: 'retention-interval',
    env: 'CHAT_RETENTION_INTERVAL',
    default: 60_000,
    unit: 'duration',
    parse: duration,
    show: showDuration,
    why: 'how often the messages past a retention limit are looked for and deleted',
  },
} as const satisfies SettingsTable;
// #endregion store

export type StoreSettings = ConfigOf<typeof storeSettings>;

/**
 * A PostgreSQL URL, checked before anything connects; an empty one is none (SQLite), as when
 * `DATABASE_URL=` is set to nothing. An error shows the URL without its password.
 */
function databaseUrl(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  if (!/^postgres(ql)?:\/\/./.test(text.trim())) {
    throw new RangeError(`not a postgres:// URL: '${withoutPassword(text)}'`);
  }
  return text.trim();
}

/** The store settings of a server's config, as the store takes them. */
export function storeOptions(config: StoreSettings): {
  readonly location: StoreLocation;
  readonly retention: RetentionOptions;
} {
  return {
    location: { databaseUrl: config.databaseUrl, dataDir: config.dataDir },
    retention: {
      maxAgeMs: config.retentionMaxAgeMs,
      maxMessagesPerRoom: config.retentionMaxMessages,
      intervalMs: config.retentionIntervalMs,
    },
  };
}
