import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CommandError } from '../errors.ts';
import { previousStep, type Step, stepLabel } from '../steps/step.ts';
import type { Tutorial } from '../tutorial.ts';
import { typed } from '../typed.ts';
import { readProgress } from './progress.ts';

// A learner's workspace for a step: `.learner/NN-name/`, holding the code they start from
// (the previous step: theirs if they verified it, the reference otherwise) and what they write.
// The step's tests run against it through OTP_CHAT_IMPL; the tests themselves stay in steps/.

export function workspaceDir(tutorial: Tutorial, step: Step): string {
  return join(tutorial.learnerDir, step.id);
}

export interface StartingPoint {
  /** The directory whose src/ is copied, or undefined for a step that starts from nothing. */
  dir: string | undefined;
  /** Said to the learner: where their code comes from. */
  description: string;
}

export function startingPoint(tutorial: Tutorial, step: Step): StartingPoint {
  const base = previousStep(tutorial.steps, step);
  if (!base)
    return { dir: undefined, description: 'an empty src/index.ts: this step starts from nothing' };
  const own = workspaceDir(tutorial, base);
  if (existsSync(own) && base.id in readProgress(tutorial.progressFile).verified) {
    return {
      dir: own,
      description: `your verified step ${stepLabel(base)} (${shown(tutorial, own)})`,
    };
  }
  return {
    dir: base.dir,
    description: `the reference step ${stepLabel(base)} (${shown(tutorial, base.dir)})`,
  };
}

export function createWorkspace(tutorial: Tutorial, step: Step): StartingPoint {
  const dir = workspaceDir(tutorial, step);
  if (existsSync(dir)) {
    throw new CommandError(
      `${shown(tutorial, dir)} already exists, and start never overwrites your work.\n` +
        `Carry on there, or throw it away and begin again with: ${typed(`tutorial reset ${stepLabel(step)}`)}`,
    );
  }
  const from = startingPoint(tutorial, step);
  mkdirSync(join(dir, 'src'), { recursive: true });
  if (from.dir) cpSync(join(from.dir, 'src'), join(dir, 'src'), { recursive: true });
  else writeFileSync(join(dir, 'src', 'index.ts'), emptyStart(step));
  writeManifest(tutorial, step, dir, from);
  linkDependencies(step, dir);
  return from;
}

/** The `src/index.ts` a step that builds on nothing starts from: a module with nothing in it. */
export function emptyStart(step: Step): string {
  return `// Step ${stepLabel(step)}: ${step.title}.\nexport {};\n`;
}

// Enough of a package that `tsc -p .learner/NN-name` typechecks the learner's code with the
// repository's settings.
function writeManifest(tutorial: Tutorial, step: Step, dir: string, from: StartingPoint): void {
  const manifest = {
    name: `learner-${step.id}`,
    private: true,
    type: 'module',
    description: `Your own ${step.packageName}, started from ${from.description}.`,
    scripts: { typecheck: 'tsc --noEmit -p .' },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const base = relative(dir, join(tutorial.root, 'tsconfig.base.json'));
  const tsconfig = { extends: base, include: ['src'] };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
}

// The learner's code imports what the step imports (e.g. @otp-chat/otp): share its node_modules.
function linkDependencies(step: Step, dir: string): void {
  const modules = join(step.dir, 'node_modules');
  if (existsSync(modules))
    symlinkSync(relative(dir, modules), join(dir, 'node_modules'), 'junction');
}

/** A path as the learner would type it from the repository root. */
export function shown(tutorial: Tutorial, path: string): string {
  const rel = relative(tutorial.root, path);
  return rel.startsWith('..') ? path : rel;
}

/** The step the learner is on: the last one they started. */
export function currentStep(tutorial: Tutorial): Step {
  const started = tutorial.steps.filter((s) => existsSync(workspaceDir(tutorial, s)));
  const last = started.at(-1);
  if (last) return last;
  const first = tutorial.steps[0];
  throw new CommandError(
    `You have not started a step yet${first ? `: begin with ${typed(`tutorial start ${stepLabel(first)}`)}` : ''}.`,
  );
}
