/**
 * @otp-chat/telnet: the telnet transport chapter 5 teaches, which every later step keeps as it
 * is: the listener that owns the listening socket, one connection process per socket (its port,
 * its flow control, its limits), the adapter between lines and a user's chat session, and the
 * commands. A step starts the Listener under its own supervisor and tells it its settings.
 */
export { COMMANDS, type Command, parseCommand } from './commands.js';
export type { TelnetConfig } from './config.js';
export { connectionSpec } from './connection.js';
export { commandsFor, type ExtraCommands, HISTORY_LINES } from './extra_commands.js';
export {
  CONNECTIONS,
  type Endpoint,
  LISTENER,
  type ListenError,
  Listener,
  type ListenerArgs,
  listen,
} from './listener.js';
export { type Decoded, decodeLine, decodeName, encodeEvent, telnetNews } from './telnet.js';
