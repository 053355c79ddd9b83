import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// One step of the tutorial: a package in `steps/NN-name` whose package.json has an `otpChat`
// block. `id` is the directory name, the name the rest of the toolkit uses for a step.
export interface Step {
  number: number;
  id: string;
  packageName: string;
  title: string;
  buildsOn: string | null;
  /** Absolute path of the step's package. */
  dir: string;
  /** The chapter, relative to the repository root: `docs/NN-name.md`. */
  chapter: string;
  /** The conformance features the step promises (`otpChat.features`), run from its tests. */
  features: string[];
}

export interface Discovery {
  /** Steps with readable metadata, in step order. */
  steps: Step[];
  /** What kept a directory under steps/ from being a step. */
  problems: string[];
}

interface OtpChatBlock {
  step?: unknown;
  title?: unknown;
  buildsOn?: unknown;
  features?: unknown;
}

export function discoverSteps(root: string): Discovery {
  const stepsDir = join(resolve(root), 'steps');
  const steps: Step[] = [];
  const problems: string[] = [];
  if (!existsSync(stepsDir)) return { steps, problems };
  for (const entry of readdirSync(stepsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const found = readStep(join(stepsDir, entry.name), entry.name);
    if (typeof found === 'string') problems.push(found);
    else steps.push(found);
  }
  steps.sort((a, b) => a.number - b.number || a.id.localeCompare(b.id));
  return { steps, problems };
}

function readStep(dir: string, id: string): Step | string {
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) return `steps/${id} has no package.json`;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const block: OtpChatBlock | undefined = manifest.otpChat;
  if (!block) return `steps/${id}/package.json has no "otpChat" block`;
  if (!Number.isInteger(block.step)) return `steps/${id}: otpChat.step must be a whole number`;
  if (typeof block.title !== 'string' || !block.title) {
    return `steps/${id}: otpChat.title must be a non-empty string`;
  }
  if (block.buildsOn !== null && typeof block.buildsOn !== 'string') {
    return `steps/${id}: otpChat.buildsOn must be the previous step's directory name or null`;
  }
  const features = block.features ?? [];
  if (!Array.isArray(features) || !features.every((f) => typeof f === 'string')) {
    return `steps/${id}: otpChat.features must be a list of feature names`;
  }
  return {
    number: block.step as number,
    id,
    packageName: manifest.name,
    title: block.title,
    buildsOn: block.buildsOn,
    dir,
    chapter: `docs/${id}.md`,
    features,
  };
}

/** `7` → `07`: how step numbers appear in directory names and listings. */
export function stepLabel(step: Pick<Step, 'number'>): string {
  return String(step.number).padStart(2, '0');
}

/** The step this one builds on, or undefined for a step that starts from scratch. */
export function previousStep(steps: readonly Step[], step: Step): Step | undefined {
  return step.buildsOn === null ? undefined : steps.find((s) => s.id === step.buildsOn);
}
