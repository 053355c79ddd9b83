import * as step from '@otp-chat/07-history-presence';
import { runConformance } from '@otp-chat/conformance';

// The features this step promises (otpChat.features in its package.json), from the shared suite.
runConformance(step, new URL('../package.json', import.meta.url));
