import {
  chatSettings,
  defaultsOf,
  duration,
  historyOptions,
  historySettings,
  portNumber,
  positiveInteger,
  readCommandLine,
  readSettings,
  type SettingsTable,
  showDuration,
  storeOptions,
  storeSettings,
  usage,
  webSettings,
} from '@otp-chat/server';
import { defaultDataDir } from '@otp-chat/store/location';
import { describe, expect, it } from 'vitest';

const table = {
  port: {
    flag: 'port',
    env: 'T_PORT',
    default: 8080,
    unit: 'port',
    parse: portNumber,
    why: 'where to listen',
  },
  maxUnreadInputs: {
    flag: 'max-unread',
    env: 'T_MAX_UNREAD',
    default: 32,
    unit: 'inputs',
    parse: positiveInteger,
    why: 'how many inputs may wait',
  },
} satisfies SettingsTable;

describe('a settings table', () => {
  it('gives the defaults, one field per entry', () => {
    expect(defaultsOf(table)).toEqual({ port: 8080, maxUnreadInputs: 32 });
  });

  it('reads only what is given, a flag before the environment', () => {
    expect(readSettings(table, {}, {})).toEqual({});
    const env = { T_PORT: '9000', T_MAX_UNREAD: '8' };
    expect(readSettings(table, { port: '0' }, env)).toEqual({ port: 0, maxUnreadInputs: 8 });
  });

  it.each(['0', '-5', '1.5', 'soon', '', '1e3'])(
    'refuses %j, naming the flag or the variable it came from',
    (value) => {
      expect(() => readSettings(table, { 'max-unread': value }, {})).toThrow(
        new RangeError(`--max-unread: not a whole number above 0: '${value}'`),
      );
      expect(() => readSettings(table, {}, { T_MAX_UNREAD: value })).toThrow(
        /^T_MAX_UNREAD: not a whole number above 0/,
      );
    },
  );

  it.each(['http', '-1', '65536', '80.5', ''])('refuses the port %j', (port) => {
    expect(() => readSettings(table, { port }, {})).toThrow(/^--port: not a port: /);
  });
});

describe('the command line', () => {
  it('takes the flags of the table, after a `--` too, and the environment', () => {
    expect(readCommandLine(table, ['--', '--port', '0'], { T_MAX_UNREAD: '4' })).toEqual({
      help: false,
      settings: { port: 0, maxUnreadInputs: 4 },
    });
    expect(readCommandLine(table, ['--help'], {})).toEqual({ help: true });
    expect(readCommandLine(table, ['-h'], {})).toEqual({ help: true });
  });

  it('refuses a flag not in the table, and a flag without its value', () => {
    expect(() => readCommandLine(table, ['--prot', '1'], {})).toThrow(/--prot/);
    expect(() => readCommandLine(table, ['--port'], {})).toThrow(/--port/);
  });

  it('lists every setting in --help with its unit, why, default and variable', () => {
    const help = usage(table).split('\n');
    expect(help[0]).toMatch(/^usage: pnpm start /);
    expect(help.slice(1)).toEqual([
      '  --port <port>          where to listen',
      '                         (default 8080; env T_PORT)',
      '  --max-unread <inputs>  how many inputs may wait',
      '                         (default 32; env T_MAX_UNREAD)',
    ]);
  });
});

describe('the chat settings', () => {
  it('each have their own flag and variable', () => {
    const settings = Object.values(chatSettings);
    expect(new Set(settings.map((s) => s.flag)).size).toBe(settings.length);
    expect(new Set(settings.map((s) => s.env)).size).toBe(settings.length);
  });

  it('take a valid room name as the default room, and refuse another', () => {
    expect(readSettings(chatSettings, { 'default-room': 'hall' }, {})).toEqual({
      defaultRoom: 'hall',
    });
    expect(() => readSettings(chatSettings, {}, { CHAT_DEFAULT_ROOM: 'a b' })).toThrow(
      /^CHAT_DEFAULT_ROOM: not a room name: /,
    );
  });

  it('are the defaults a person at nc gets', () => {
    expect(defaultsOf(chatSettings)).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      nameTimeoutMs: 60_000,
      maxUnreadInputs: 32,
    });
  });

  it("read the rooms' limits", () => {
    expect(
      readSettings(
        chatSettings,
        { 'room-rate': '10', 'max-queued': '200', 'max-listed-rooms': '20' },
        { CHAT_ROOM_BURST: '30', CHAT_MAX_ROOMS: '5', CHAT_ROOM_RATE: '99' },
      ),
    ).toEqual({
      roomMessagesPerSecond: 10,
      roomMessageBurst: 30,
      maxQueuedEvents: 200,
      maxRoomsPerUser: 5,
      maxListedRooms: 20,
    });
  });

  it('refuse a bound on queued events not above the unread inputs, naming both flags', () => {
    const refused = (queued: string, unread: string) =>
      new RangeError(
        `--max-queued (${queued}) must be above --max-unread (${unread}): a member's unread ` +
          'input waits in the same mailbox as its room events, so at or below it a member who ' +
          'reads everything could be dropped as too slow',
      );
    // Against the other's default (unread 32, queued 1000), from a flag or the environment.
    expect(() => readSettings(chatSettings, { 'max-queued': '32' }, {})).toThrow(
      refused('32', '32'),
    );
    expect(() => readSettings(chatSettings, {}, { CHAT_MAX_UNREAD: '1000' })).toThrow(
      refused('1000', '1000'),
    );
    expect(() => readSettings(chatSettings, { 'max-queued': '5', 'max-unread': '8' }, {})).toThrow(
      refused('5', '8'),
    );
    expect(readSettings(chatSettings, { 'max-queued': '33' }, {})).toEqual({ maxQueuedEvents: 33 });
    expect(readSettings(chatSettings, { 'max-queued': '5', 'max-unread': '4' }, {})).toEqual({
      maxQueuedEvents: 5,
      maxUnreadInputs: 4,
    });
  });

  it('refuse a room rate of 0, which would silence every room', () => {
    expect(() => readSettings(chatSettings, { 'room-rate': '0' }, {})).toThrow(
      /^--room-rate: not a whole number above 0: '0'/,
    );
  });
});

describe('the connection caps and the idle timeout', () => {
  it('take each from a flag or the environment', () => {
    expect(
      readSettings(
        chatSettings,
        { 'max-connections': '500', 'ip-exempt': '10.0.0.0/8, ::1' },
        { CHAT_MAX_PER_IP: '4', CHAT_IDLE_TIMEOUT_MS: '0' },
      ),
    ).toEqual({
      maxConnections: 500,
      maxConnectionsPerIp: 4,
      ipCapExempt: ['10.0.0.0/8', '::1'],
      idleTimeoutMs: 0,
    });
  });

  it('read an empty list as none: no address exempt from the per-IP cap', () => {
    expect(readSettings(chatSettings, {}, { CHAT_IP_EXEMPT: '' })).toEqual({ ipCapExempt: [] });
    expect(usage(chatSettings)).toContain('(default 127.0.0.0/8,::1; env CHAT_IP_EXEMPT)');
  });

  it('refuse a cap of 0, which would let nobody in', () => {
    expect(() => readSettings(chatSettings, { 'max-per-ip': '0' }, {})).toThrow(
      /^--max-per-ip: not a whole number above 0: '0'/,
    );
    expect(() => readSettings(chatSettings, {}, { CHAT_MAX_CONNECTIONS: 'lots' })).toThrow(
      /^CHAT_MAX_CONNECTIONS: not a whole number above 0/,
    );
    expect(() => readSettings(chatSettings, {}, { CHAT_IDLE_TIMEOUT_MS: '-1' })).toThrow(
      /^CHAT_IDLE_TIMEOUT_MS: not a whole number: '-1'/,
    );
  });
});

describe('webSettings', () => {
  it('adds the web side to chatSettings, with their defaults', () => {
    expect(defaultsOf(webSettings)).toEqual({
      webPort: 4000,
      maxFrameBytes: 16 * 1024,
      heartbeatMs: 30_000,
      allowedOrigins: [],
    });
    for (const key of Object.keys(webSettings)) expect(chatSettings).not.toHaveProperty(key);
  });

  it('reads each from its flag or its variable, and refuses a bad value', () => {
    const flags = { 'web-port': '0', 'allowed-origins': 'https://a.example,https://b.example' };
    expect(readSettings(webSettings, flags, { CHAT_HEARTBEAT_MS: '500' })).toEqual({
      webPort: 0,
      heartbeatMs: 500,
      allowedOrigins: ['https://a.example', 'https://b.example'],
    });
    expect(() => readSettings(webSettings, { 'max-frame-bytes': '0' }, {})).toThrow(
      /--max-frame-bytes/,
    );
  });
});

// A web step's settings are chatSettings and webSettings together (steps/06 and 07, config.ts):
// what each of the web's defaults and readings is, in that table.
describe('the settings of a step with the web', () => {
  const settings = { ...chatSettings, ...webSettings };

  it("are the chat's and the web's, with their defaults", () => {
    const defaults = defaultsOf(settings);
    expect(defaults).toMatchObject({ webPort: 4000, maxFrameBytes: 16_384, heartbeatMs: 30_000 });
    expect(defaults.port).toBe(8080);
  });

  it('each come from a flag or else an environment variable', () => {
    const env = { CHAT_WEB_PORT: '9001', CHAT_HEARTBEAT_MS: '100', CHAT_MAX_FRAME_BYTES: '512' };
    expect(readSettings(settings, { 'web-port': '0' }, env)).toEqual({
      webPort: 0,
      heartbeatMs: 100,
      maxFrameBytes: 512,
    });
  });

  it.each([
    ['web-port', '65536', /^--web-port: not a port/],
    ['heartbeat-ms', 'x', /^--heartbeat-ms: not a whole number above 0/],
    ['max-frame-bytes', '0', /^--max-frame-bytes: not a whole number above 0/],
  ])('refuse --%s %j', (flag, value, message) => {
    expect(() => readSettings(settings, { [flag]: value }, {})).toThrow(message);
  });

  it('take the origins allowed to open a WebSocket comma-separated, none by default', () => {
    expect(defaultsOf(settings).allowedOrigins).toEqual([]);
    expect(
      readSettings(settings, {}, { CHAT_ALLOWED_ORIGINS: 'https://a.example, https://b.example' }),
    ).toEqual({ allowedOrigins: ['https://a.example', 'https://b.example'] });
  });
});

// Step 7's settings add historySettings to the web step's.
describe('historySettings', () => {
  const settings = { ...chatSettings, ...webSettings, ...historySettings };

  it('keep history by default: 100 messages a room, 50 shown on a join, 64 MB, an hour', () => {
    expect(defaultsOf(historySettings)).toEqual({
      historyLength: 100,
      historyReplay: 50,
      historyMaxBytes: 64 * 1024 * 1024,
      historyKeepMs: 60 * 60 * 1000,
    });
    for (const key of Object.keys(historySettings)) {
      expect(chatSettings).not.toHaveProperty(key);
      expect(webSettings).not.toHaveProperty(key);
    }
  });

  it('read each from its flag, or else its variable', () => {
    expect(
      readSettings(
        settings,
        { 'history-length': '20', 'history-max-bytes': '4096' },
        { CHAT_HISTORY_REPLAY: '5', CHAT_HISTORY_KEEP_MS: '1000', CHAT_HISTORY_LENGTH: '99' },
      ),
    ).toEqual({ historyLength: 20, historyReplay: 5, historyMaxBytes: 4096, historyKeepMs: 1000 });
    expect(usage(settings)).toContain('--history-replay <messages>');
    expect(usage(settings)).toContain('(default 50; env CHAT_HISTORY_REPLAY)');
  });

  it('take a replay of 0, which shows a join nothing, and refuse a length of 0', () => {
    expect(readSettings(historySettings, { 'history-replay': '0' }, {})).toEqual({
      historyReplay: 0,
    });
    expect(() => readSettings(historySettings, { 'history-length': '0' }, {})).toThrow(
      /^--history-length: not a whole number above 0: '0'/,
    );
    expect(() => readSettings(historySettings, {}, { CHAT_HISTORY_REPLAY: '-1' })).toThrow(
      /^CHAT_HISTORY_REPLAY: not a whole number: '-1'/,
    );
    expect(() => readSettings(historySettings, { 'history-max-bytes': 'lots' }, {})).toThrow(
      /^--history-max-bytes: not a whole number above 0/,
    );
    expect(() => readSettings(historySettings, {}, { CHAT_HISTORY_KEEP_MS: '0' })).toThrow(
      /^CHAT_HISTORY_KEEP_MS: not a whole number above 0/,
    );
  });

  it('refuse a replay above the length, against the default of either, naming both flags', () => {
    const refused = (replay: number, length: number) =>
      new RangeError(
        `--history-replay (${replay}) cannot be above --history-length (${length}): ` +
          'a join cannot show more messages than a room keeps',
      );
    expect(() => readSettings(historySettings, { 'history-replay': '101' }, {})).toThrow(
      refused(101, 100),
    );
    expect(() => readSettings(historySettings, {}, { CHAT_HISTORY_LENGTH: '10' })).toThrow(
      refused(50, 10),
    );
    expect(
      readSettings(historySettings, { 'history-length': '10', 'history-replay': '10' }, {}),
    ).toEqual({ historyLength: 10, historyReplay: 10 });
  });

  it('give the history options ChatSupervisor takes', () => {
    const config = { ...defaultsOf(historySettings), historyLength: 20, historyKeepMs: 5 };
    expect(historyOptions(config)).toEqual({
      historyLength: 20,
      maxBytes: 64 * 1024 * 1024,
      keepEmptyMs: 5,
    });
  });
});

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['15m', 15 * 60_000],
    [' 12h ', 12 * 3_600_000],
    ['30d', 30 * 86_400_000],
  ])('read %j as %i ms', (text, ms) => {
    expect(duration(text)).toBe(ms);
  });

  it.each(['30', '0s', '-1m', '1.5h', '2w', 'h', '', '1 d'])(
    'refuse %j, saying how to write one',
    (text) => {
      expect(() => duration(text)).toThrow(
        new RangeError(
          `not a duration: '${text}' (a whole number above 0 and a unit: 500ms, 90s, 15m, 12h, 30d)`,
        ),
      );
    },
  );

  it('show in the largest unit that writes them whole, as they are read back', () => {
    for (const ms of [1, 1500, 60_000, 90_000, 86_400_000, 3 * 3_600_000]) {
      expect(duration(showDuration(ms))).toBe(ms);
    }
    expect([60_000, 90_000, 86_400_000].map(showDuration)).toEqual(['1m', '90s', '1d']);
  });
});

// Step 8's settings add storeSettings to step 7's.
describe('storeSettings', () => {
  const settings = { ...chatSettings, ...webSettings, ...historySettings, ...storeSettings };

  it('store in SQLite under data/ by default, keep every message, and sweep every minute', () => {
    expect(defaultsOf(storeSettings)).toEqual({
      databaseUrl: undefined,
      dataDir: defaultDataDir(),
      retentionMaxAgeMs: undefined,
      retentionMaxMessages: undefined,
      retentionIntervalMs: 60_000,
    });
    expect(defaultDataDir()).toMatch(/[/\\]data$/);
    for (const key of Object.keys(storeSettings)) {
      expect({ ...chatSettings, ...webSettings, ...historySettings }).not.toHaveProperty(key);
    }
    const help = usage(settings);
    expect(help).toContain('(default none; env DATABASE_URL)');
    expect(help).toContain('(default none; env CHAT_RETENTION_MAX_AGE)');
    expect(help).toContain('(default 1m; env CHAT_RETENTION_INTERVAL)');
    expect(help).toContain(`(default ${defaultDataDir()}; env OTP_CHAT_DATA_DIR)`);
  });

  it('read each from its flag, or else its variable', () => {
    expect(
      readSettings(
        settings,
        { 'retention-max-age': '30d', 'data-dir': '/var/chat', 'retention-interval': '10s' },
        {
          DATABASE_URL: 'postgres://chat@db/chat',
          CHAT_RETENTION_MAX_MESSAGES: '1000',
          OTP_CHAT_DATA_DIR: '/elsewhere',
          CHAT_RETENTION_INTERVAL: '1h',
        },
      ),
    ).toEqual({
      databaseUrl: 'postgres://chat@db/chat',
      dataDir: '/var/chat',
      retentionMaxAgeMs: 30 * 86_400_000,
      retentionMaxMessages: 1000,
      retentionIntervalMs: 10_000,
    });
    expect(readSettings(storeSettings, { 'database-url': 'postgresql://db/chat' }, {})).toEqual({
      databaseUrl: 'postgresql://db/chat',
    });
  });

  it('take an empty DATABASE_URL as none: SQLite', () => {
    expect(readSettings(storeSettings, {}, { DATABASE_URL: '' })).toEqual({
      databaseUrl: undefined,
    });
  });

  it('refuse a URL that is not PostgreSQL without showing its password', () => {
    expect(() =>
      readSettings(storeSettings, {}, { DATABASE_URL: 'mysql://chat:s3cret@db/chat' }),
    ).toThrow(new RangeError("DATABASE_URL: not a postgres:// URL: 'mysql://chat:***@db/chat'"));
  });

  it.each([
    ['retention-max-age', '30', /^--retention-max-age: not a duration: '30'/],
    ['retention-max-messages', '0', /^--retention-max-messages: not a whole number above 0/],
    ['retention-interval', '0m', /^--retention-interval: not a duration: '0m'/],
    ['data-dir', ' ', /^--data-dir: cannot be empty/],
  ])('refuse --%s %j', (flag, value, message) => {
    expect(() => readSettings(storeSettings, { [flag]: value }, {})).toThrow(message);
  });

  it('give the location and the retention options the store takes', () => {
    const config = {
      ...defaultsOf(storeSettings),
      dataDir: '/var/chat',
      retentionMaxMessages: 500,
    };
    expect(storeOptions(config)).toEqual({
      location: { databaseUrl: undefined, dataDir: '/var/chat' },
      retention: { maxAgeMs: undefined, maxMessagesPerRoom: 500, intervalMs: 60_000 },
    });
  });
});
