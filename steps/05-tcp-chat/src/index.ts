// Step 5: a TCP chat server people reach with telnet or netcat.

// The chat core and the telnet transport, whole: what chapter 5 teaches, in packages.
export * from '@otp-chat/chat';
export { asProcess, LineClient, type LineMatch } from '@otp-chat/net';
export * from '@otp-chat/telnet';
export * from './application.ts';
export { type ChatConfig, defaultConfig, settings } from './config.ts';
