// Names nobody can fake and text that cannot fake lines: pure functions, no dependency.
export {
  CONFUSABLES_COUNT,
  CONFUSABLES_DATE,
  CONFUSABLES_SHA256,
  CONFUSABLES_VERSION,
} from './confusables_table.ts';
export {
  explainNameProblem,
  foldCase,
  lookalikeKey,
  MAX_MARKS_IN_A_ROW,
  MAX_NAME_LENGTH,
  type NameProblem,
  type NameRules,
  nameKey,
  nameProblem,
  type ReservedNames,
  reserveNames,
  SERVER_WORDS,
} from './names.ts';
export { isHighlyRestrictive, scriptsOf } from './scripts.ts';
export {
  type ConfusableTable,
  confusableTable,
  decodeTable,
  prototypeOf,
  skeleton,
} from './skeleton.ts';
export { MAX_ECHO_LENGTH, neutraliseBidi, safeEcho } from './text.ts';
