/**
 * @otp-chat/chat: the chat core every step from 5 on shares, once a chapter has taught it. The
 * rules (message, names, text, the flood gate) are here so every transport applies the same ones.
 */
export { FloodGate, type FloodVerdict } from '@otp-chat/net';
export {
  Message,
  type NewMessageResult,
  newMessage,
  type PostError,
  type PostInput,
} from './message.js';
export {
  explainNameProblem,
  MAX_NAME_LENGTH,
  type NameProblem,
  nameKey,
  nameProblem,
} from './names.js';
export {
  explainTextProblem,
  MAX_TEXT_LENGTH,
  type TextProblem,
  textProblem,
  withoutControls,
} from './text.js';
