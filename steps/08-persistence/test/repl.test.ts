import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScript, stepScripts } from '@otp-chat/tutorial';
import { expect, it } from 'vitest';

// Each REPL script is replayed the way a learner would type it, and must print what its
// `// =>` annotations say. With OTP_CHAT_IMPL set, the scripts run against that implementation.
const stepDir = fileURLToPath(new URL('..', import.meta.url));
const scripts = stepScripts(stepDir).map((file) => [basename(file), file] as const);

it.each(scripts)('repl/%s prints what it says', async (_name, file) => {
  const result = await runScript(file);
  expect(result.failures).toBe('');
});
