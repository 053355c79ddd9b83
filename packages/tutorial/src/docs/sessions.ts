import { UsageError } from '../errors.ts';
import { resolveStep } from '../steps/resolve.ts';
import type { Step } from '../steps/step.ts';
import { typed } from '../typed.ts';
import { findMarkers } from './markers.ts';
import { docCommands, pnpmArgs } from './shell.ts';

// Each REPL session a chapter shows is typed into a fresh REPL: that is how its script replays,
// pids and registered names included, and what a second session typed into the first one's
// REPL would trip over (a `const` declared twice, a name registered already). So the chapter
// must say where each fresh REPL starts: a shell block with `npx pnpm repl NN`, for the step of
// the session's script, after the session before it.

/** The REPL command each session is typed into: transcript line → the repl command's line. */
export interface SessionStart {
  transcriptLine: number;
  script: string;
  replLine: number;
  /** The step argument, as written: `01`. */
  step: string;
}

export function sessionStarts(
  docFile: string,
  text: string,
  steps: readonly Step[],
): { starts: SessionStart[]; problems: string[] } {
  const starts: SessionStart[] = [];
  const problems: string[] = [];
  const repls = docCommands(text)
    .filter((c) => c.where !== 'inline')
    .map((c) => ({ line: c.line, args: pnpmArgs(c.argv) }))
    .filter((c) => c.args?.[0] === 'repl');
  const transcripts = findMarkers(text).markers.filter((m) => m.kind === 'transcript');
  let after = 0;
  for (const transcript of transcripts) {
    const repl = repls.filter((r) => r.line > after && r.line < transcript.line).at(-1);
    after = transcript.line;
    const scriptStep = /^steps\/([^/]+)\//.exec(transcript.arg)?.[1];
    const where = `${docFile}:${transcript.line}: the session of ${transcript.arg}`;
    const wanted = typed(`repl ${scriptStep?.slice(0, 2) ?? 'NN'}`);
    if (!repl) {
      problems.push(
        `${where} starts in a fresh REPL, and nothing says so: put a shell block with ` +
          `\`${wanted}\` between it and the session before it`,
      );
      continue;
    }
    const step = repl.args?.[1] ?? '';
    if (scriptStep !== undefined && stepOf(steps, step) !== scriptStep) {
      problems.push(
        `${where} is typed into \`${typed(`repl ${step}`)}\` (line ${repl.line}): it needs \`${wanted}\``,
      );
      continue;
    }
    starts.push({
      transcriptLine: transcript.line,
      script: transcript.arg,
      replLine: repl.line,
      step,
    });
  }
  return { starts, problems };
}

function stepOf(steps: readonly Step[], arg: string): string | undefined {
  try {
    return resolveStep(steps, arg).id;
  } catch (error) {
    if (error instanceof UsageError) return undefined;
    throw error;
  }
}
