/**
 * The rules alone (names, text, the message): pure functions, no processes, no Node. A browser
 * page checks what it sends with the same schemas the server uses, through this entry point.
 */
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
  cleanText,
  explainTextProblem,
  MAX_TEXT_LENGTH,
  safeEcho,
  type TextProblem,
  textProblem,
  withoutControls,
} from './text.js';
