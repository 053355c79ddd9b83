/**
 * The settings a server that keeps history adds (step 7 on): how many messages each room
 * keeps, how many a join shows, the memory all histories may take, and how long the history of
 * an empty room is kept.
 */
import { DEFAULT_HISTORY_OPTIONS, DEFAULT_REPLAY, type HistoryOptions } from '@otp-chat/chat';
import { positiveInteger, type SettingsTable, wholeNumber } from './settings.js';

// #region history
export const historySettings = {
  historyLength: {
    flag: 'history-length',
    env: 'CHAT_HISTORY_LENGTH',
    default: DEFAULT_HISTORY_OPTIONS.historyLength,
    unit: 'messages',
    parse: positiveInteger,
    why: "how many of a room's last messages are kept, and the most one history page holds",
  },
  historyReplay: {
    flag: 'history-replay',
    env: 'CHAT_HISTORY_REPLAY',
    default: DEFAULT_REPLAY,
    unit: 'messages',
    parse: wholeNumber,
    why: "how many of a room's last messages a join shows; 0 shows none",
    fitsWith: replayWithinLength,
  },
  historyMaxBytes: {
    flag: 'history-max-bytes',
    env: 'CHAT_HISTORY_MAX_BYTES',
    default: DEFAULT_HISTORY_OPTIONS.maxBytes,
    unit: 'bytes',
    parse: positiveInteger,
    why: "every room's history together, estimated; past it the least recently used are dropped",
  },
  historyKeepMs: {
    flag: 'history-keep-ms',
    env: 'CHAT_HISTORY_KEEP_MS',
    default: DEFAULT_HISTORY_OPTIONS.keepEmptyMs,
    unit: 'ms',
    parse: positiveInteger,
    why: 'how long the history of a room nobody is in is kept, for those who come back',
  },
} as const satisfies SettingsTable;
// #endregion history

/** A join cannot show more messages than a room keeps. */
function replayWithinLength(config: Readonly<Record<string, unknown>>): void {
  const { historyReplay, historyLength } = config as {
    historyReplay: number;
    historyLength: number;
  };
  if (historyReplay <= historyLength) return;
  const { historyReplay: replay, historyLength: length } = historySettings;
  throw new RangeError(
    `--${replay.flag} (${historyReplay}) cannot be above --${length.flag} (${historyLength}): ` +
      'a join cannot show more messages than a room keeps',
  );
}

/** The history settings of a server's config, as ChatSupervisor takes them. */
export function historyOptions(config: {
  readonly historyLength: number;
  readonly historyMaxBytes: number;
  readonly historyKeepMs: number;
}): HistoryOptions {
  return {
    historyLength: config.historyLength,
    maxBytes: config.historyMaxBytes,
    keepEmptyMs: config.historyKeepMs,
  };
}
