/**
 * The command line: `pnpm start` (or `tsx src/main.ts`) with the flags of the settings table
 * (config.ts) or their environment variables, and `--help` for the list. Ctrl-C or SIGTERM
 * stops the server cleanly: every user is told, then their connections close, then the
 * database is closed.
 */
import { dialHost, hostInUrl } from '@otp-chat/net';
import { runServer } from '@otp-chat/server';
import { startChat } from './application.ts';
import { settings } from './config.ts';

await runServer({
  settings,
  start: startChat,
  ready: ({ host, port, webPort, wsUrl, database }) => [
    `messages stored in ${database}`,
    `chat server listening on ${host}:${port} — connect with: nc ${dialHost(host)} ${port}`,
    `web chat on http://${hostInUrl(dialHost(host))}:${webPort}/chat.html (WebSocket: ${wsUrl})`,
  ],
});
