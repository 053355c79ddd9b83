import { join } from 'node:path';
import { runScript } from '../repl-script/runner.ts';
import { ListingError } from './include.ts';

// Transcripts for the docs, each script replayed once per run however many chapters show it,
// so that one docs:check compares every chapter against the same replay. A script that does
// not replay as annotated has no transcript to show: that is a docs problem, reported as such.
export function transcriptsFrom(root: string): (script: string) => Promise<string> {
  const replays = new Map<string, Promise<string>>();
  return (script) => {
    let replay = replays.get(script);
    if (!replay) {
      replay = runScript(join(root, script)).then((result) => {
        if (!result.ok)
          throw new ListingError(`the script does not replay as annotated:\n${result.failures}`);
        return result.transcript;
      });
      replays.set(script, replay);
    }
    return replay;
  };
}
