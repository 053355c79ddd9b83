/**
 * The step's chat server alone in a process, for the overload test: its memory is then its own,
 * and what the test's clients cost does not slow it down. `server_child.ts <entry> <config>`:
 * it imports the step's module (`entry`, its src/index.ts), starts the server with `config`
 * (JSON), tells the parent where it listens, then reports its memory every 100 ms, read inside
 * the process. A parent that goes away takes it along.
 */
import { pathToFileURL } from 'node:url';
import type { StepUnderTest } from '../step.ts';

/** What the server child tells its parent. */
export type ServerReport =
  | { readonly type: 'ready'; readonly wsUrl: string }
  | {
      readonly type: 'memory';
      readonly rss: number;
      readonly heapUsed: number;
      /** CPU time used so far, user and system, in microseconds. */
      readonly cpuUs: number;
    };

const [entry, config] = process.argv.slice(2) as [string, string];
const step = (await import(pathToFileURL(entry).href)) as StepUnderTest;
const chat = await step.startChat({ port: 0, webPort: 0, ...JSON.parse(config) });
const report = (message: ServerReport) => process.send?.(message);

report({ type: 'ready', wsUrl: chat.wsUrl! });
setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage();
  const { user, system } = process.cpuUsage();
  report({ type: 'memory', rss, heapUsed, cpuUs: user + system });
}, 100);
process.on('disconnect', () => process.exit(0));
process.on('message', async (message) => {
  if (message !== 'stop') return;
  await chat.stop();
  process.exit(0);
});
