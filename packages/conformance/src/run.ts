import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { FEATURES, type FeatureName } from './features/index.ts';
import { implementationEntry } from './server_process.ts';
import type { FeatureContext, ProcessSetting, StepUnderTest } from './step.ts';

// A step's test/conformance.test.ts is two imports and one call:
//
//   import * as step from '@otp-chat/06-websocket-chat';
//   runConformance(step, new URL('../package.json', import.meta.url));
//
// The step's package.json says which features it promises, in `otpChat.features`; each one's
// tests are registered here, in a describe block named after it, against that step's code
// (or, with OTP_CHAT_IMPL set, against the implementation that stands in for it).

/** Environment variable: a comma-separated list of features to run, the others left out. */
export const FEATURES_ENV = 'OTP_CHAT_FEATURES';

/**
 * Environment variable: when set (npm test sets it for its main run), the features that must run
 * alone are left to the later stage that runs them one at a time (scripts/test-all.mjs).
 */
export const DEFER_ALONE_ENV = 'OTP_CHAT_DEFER_ALONE';

/**
 * The features that measure latency under load (`runAlone` in this package's package.json):
 * other test files running beside them on the same cores would be measured too.
 */
export function runAloneFeatures(): readonly string[] {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return manifest.otpChat.runAlone;
}

/** What a step's test may narrow: the features to run, of those it declares (all by default). */
export interface ConformanceRun {
  readonly features?: readonly FeatureName[];
  /**
   * A describe block of this name around the features, when there are any to run here (a run
   * on another database, say): left out when OTP_CHAT_FEATURES selects none of them, since an
   * empty describe block fails.
   */
  readonly label?: string;
  /** What servers the features start in processes of their own are given (none by default). */
  readonly processes?: Partial<ProcessSetting>;
}

/**
 * Registers the tests of every feature the step's package.json declares, or of those
 * `run.features` names (a second run on another database, say).
 */
export function runConformance(
  step: StepUnderTest,
  manifest: URL | string,
  run: ConformanceRun = {},
): void {
  const declared = declaredFeatures(manifest);
  const runs = subset(declared, run.features, String(manifest));
  const processes = { env: run.processes?.env ?? {}, config: run.processes?.config ?? {} };
  const where: FeatureContext = { entry: implementationEntry(manifest), declared, processes };
  const later = process.env[DEFER_ALONE_ENV] ? runAloneFeatures() : [];
  const here = selected(declared, process.env[FEATURES_ENV]).filter(
    (name) => !later.includes(name) && runs.includes(name),
  );
  const register = () => {
    for (const name of here) describe(`feature ${name}`, () => registerFeature(name, step, where));
  };
  if (run.label === undefined) register();
  else if (here.length > 0) describe(run.label, register);
}

/** The features a package.json declares, checked against the features the suite knows. */
export function declaredFeatures(manifest: URL | string): FeatureName[] {
  const json = JSON.parse(readFileSync(manifest, 'utf8'));
  const features: unknown = json.otpChat?.features;
  if (!Array.isArray(features) || features.length === 0) {
    throw new Error(`${String(manifest)}: otpChat.features must list the features the step has`);
  }
  const unknown = features.filter((name) => !isFeature(name));
  if (unknown.length > 0) {
    throw new Error(
      `${String(manifest)}: unknown features ${unknown.join(', ')}; ` +
        `the suite knows ${Object.keys(FEATURES).join(', ')}`,
    );
  }
  return features as FeatureName[];
}

function subset(
  declared: readonly FeatureName[],
  wanted: readonly FeatureName[] | undefined,
  manifest: string,
): FeatureName[] {
  if (wanted === undefined) return [...declared];
  const undeclared = wanted.filter((name) => !declared.includes(name));
  if (undeclared.length > 0) {
    throw new Error(`${manifest}: the step does not declare ${undeclared.join(', ')}`);
  }
  return declared.filter((name) => wanted.includes(name));
}

/** The declared features to run: all of them, or those `filter` names (OTP_CHAT_FEATURES). */
export function selected(declared: readonly FeatureName[], filter?: string): FeatureName[] {
  if (filter === undefined || filter.trim() === '') return [...declared];
  const wanted = filter.split(',').map((name) => name.trim());
  const undeclared = wanted.filter((name) => !(declared as readonly string[]).includes(name));
  if (undeclared.length > 0) {
    throw new Error(`${FEATURES_ENV} names features the step does not declare: ${undeclared}`);
  }
  return declared.filter((name) => wanted.includes(name));
}

export function isFeature(name: unknown): name is FeatureName {
  return typeof name === 'string' && Object.hasOwn(FEATURES, name);
}

// A feature that cannot even register its tests on this code (a web feature on a step without
// the web transport, say) fails as a test, and the other features still run.
function registerFeature(name: FeatureName, step: StepUnderTest, where: FeatureContext): void {
  try {
    const feature: (step: StepUnderTest, where: FeatureContext) => void = FEATURES[name];
    feature(step, where);
  } catch (error) {
    it(`cannot run on this code: ${(error as Error).message}`, () => {
      throw error;
    });
  }
}
