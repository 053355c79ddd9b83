/**
 * @otp-chat/chat: the chat core every step from 5 on shares, once a chapter has taught it: the
 * rules (message, names, text, flood), the rooms and their directory, the users registry, and
 * the session a transport adapter drives. Transports (telnet lines in @otp-chat/telnet, the
 * WebSocket protocol in step 6) only decode and encode.
 */
export { FloodGate, type FloodVerdict } from '@otp-chat/net';
export {
  ChatConnection,
  type ConnectionConfig,
  connectionChild,
  type Farewell,
} from './connection.js';
export { type FloodNotice, type FloodRule, floodJudged, isFloodNotice } from './flood.js';
// History: a room's last messages, and the keeper that owns them so that a room crash keeps them.
export {
  DEFAULT_HISTORY_LENGTH,
  type HistoryError,
  type HistoryMessage,
  type HistoryResult,
  messageBytes,
  RoomHistory,
  type RoomHistoryOptions,
  type Said,
} from './history.js';
export {
  type AttachReply,
  type BadRequest,
  DEFAULT_HISTORY_OPTIONS,
  HISTORY_KEEPER,
  HistoryKeeper,
  type HistoryOptions,
  type HistoryReply,
  type HistorySeed,
  type HistoryUsage,
  HistoryWriter,
} from './history_keeper.js';
export { type NewsEncoder, RoomEvent, type RoomNews } from './room_event.js';
export { ROOM_INDEX, RoomIndex } from './room_index.js';
export {
  type CatchUp,
  ChatServer,
  type CreateResult,
  type CreateRoomResult,
  DEFAULT_ROOM_LIMITS,
  type JoinHistory,
  type JoinReply,
  KEEPER_TIMEOUT_MS,
  localRooms,
  type MessageRef,
  REGISTRY,
  ROOM_HISTORY,
  ROOM_LIMITS,
  ROOM_STORAGE,
  ROOM_SUPERVISOR,
  type RoomDirectory,
  type RoomLimits,
  type RoomListing,
  type RoomMessage,
  type RoomNotice,
  type RoomPage,
  type RoomStorageSetting,
  type TopicResult,
} from './rooms.js';
// The rules (message, names, text) are exported once, in rules.ts, which the page also uses.
export * from './rules.js';
export {
  type CatalogErrorCode,
  type CatalogRequest,
  DEFAULT_REPLAY,
  type HistoryErrorCode,
  type HistoryRequest,
  isHistoryError,
  MAX_DESCRIPTION_LENGTH,
  MAX_HISTORY_PAGE,
  MAX_LISTED_ROOMS,
  MAX_ROOMS_PER_USER,
  MAX_STATUS_LENGTH,
  type NameRefusal,
  type RoomHistoryPart,
  Session,
  type SessionError,
  type SessionErrorCode,
  type SessionEvent,
  type SessionOptions,
  type SessionRequest,
  TYPING_INTERVAL_MS,
} from './session.js';
// Storage (step 8): what a room needs of a database, whichever database it is.
export {
  type CatalogPage,
  type CatalogRoom,
  type ChatStorage,
  isStorageReply,
  type OpenedRoom,
  STORAGE_UNAVAILABLE,
  type StorageReply,
} from './storage.js';
export { type ChatOptions, ChatSupervisor, STORAGE_SUPERVISOR } from './supervisor.js';
export {
  claimUserName,
  isPrivateMessage,
  lookupUser,
  type PrivateMessage,
  sendToUser,
  type Transport,
  USERS,
  userPid,
} from './users.js';
