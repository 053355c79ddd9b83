import type { FeatureContext, StepUnderTest } from '../step.ts';
import { availability } from './availability.ts';
import { catchUp } from './catch_up.ts';
import { commandParsing } from './command_parsing.ts';
import { connectionCaps } from './connection_caps.ts';
import { customTransport } from './custom_transport.ts';
import { history } from './history.ts';
import { idleTimeout } from './idle_timeout.ts';
import { load } from './load.ts';
import { messageLength } from './message_length.ts';
import { mixedTransports } from './mixed_transports.ts';
import { nameRules } from './name_rules.ts';
import { overload } from './overload.ts';
import { presence } from './presence.ts';
import { roomCatalog } from './room_catalog.ts';
import { roomLimits } from './room_limits.ts';
import { supervisionTree } from './supervision_tree.ts';
import { telnetChat } from './telnet_chat.ts';
import { telnetCommands } from './telnet_commands.ts';
import { telnetLimits } from './telnet_limits.ts';
import { webAvailability } from './web_availability.ts';
import { webCommandLine } from './web_command_line.ts';
import { webConnectionCaps } from './web_connection_caps.ts';
import { webFlowControl } from './web_flow_control.ts';
import { webOrigin } from './web_origin.ts';
import { webPage } from './web_page.ts';
import { websocketLimits } from './websocket_limits.ts';
import { websocketProtocol } from './websocket_protocol.ts';
import { websocketRoomLimits } from './websocket_room_limits.ts';
import { websocketTimeouts } from './websocket_timeouts.ts';

// Every feature the suite knows, by the name a step's package.json uses for it. A feature is a
// function that registers its describe blocks against the step it is given (and, for a test
// that runs the server in a process of its own, where the step's code is).
export const FEATURES = {
  'telnet-chat': telnetChat,
  commands: telnetCommands,
  'telnet-limits': telnetLimits,
  'message-length': messageLength,
  availability,
  'web-availability': webAvailability,
  load,
  'name-rules': nameRules,
  'command-parsing': commandParsing,
  'websocket-protocol': websocketProtocol,
  'websocket-limits': websocketLimits,
  'mixed-transports': mixedTransports,
  'web-page': webPage,
  'room-limits': roomLimits,
  'websocket-room-limits': websocketRoomLimits,
  overload,
  'connection-caps': connectionCaps,
  'idle-timeout': idleTimeout,
  'web-connection-caps': webConnectionCaps,
  'web-origin': webOrigin,
  'websocket-timeouts': websocketTimeouts,
  history,
  'catch-up': catchUp,
  presence,
  'supervision-tree': supervisionTree,
  'custom-transport': customTransport,
  'room-catalog': roomCatalog,
  'web-flow-control': webFlowControl,
  'web-command-line': webCommandLine,
} satisfies Record<string, (step: StepUnderTest, context: FeatureContext) => void>;

export type FeatureName = keyof typeof FEATURES;
