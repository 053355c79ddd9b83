/**
 * @otp-chat/conformance: the chat's transport-level tests, one module per feature, run against
 * every step that declares the feature in its package.json (`otpChat.features`).
 */
export { FEATURES, type FeatureName } from './features/index.ts';
export {
  aliceAndBob,
  type ChatFixture,
  chatFixture,
  crashReportsPerTest,
  sleep,
  tick,
  until,
} from './fixture.ts';
export { floodSampler, SlowRoom } from './flow_control.ts';
export { freePort, mainRunner } from './main_process.ts';
export {
  type ConformanceRun,
  declaredFeatures,
  FEATURES_ENV,
  isFeature,
  runConformance,
  selected,
} from './run.ts';
export { implementationEntry, type ServerProcess, serverProcesses } from './server_process.ts';
export {
  type ChatUnderTest,
  type CommandHelp,
  type ConformanceConfig,
  type FeatureContext,
  type ProcessSetting,
  type StepUnderTest,
  stepWith,
  UNLIMITED_ROOM_RATE,
  type WebStep,
  webStep,
} from './step.ts';
export {
  type Closed,
  type HistoryMessage,
  type HistoryWebClient,
  historyClient,
  type MessageRef,
  type Presence,
  type ServerMessage,
  type ServerMessageOf,
  type Status,
  type WebClient,
  type WebClientClass,
  type WebSocketClass,
} from './web_client.ts';
