import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { validateChain } from '../../src/steps/chain.ts';
import { resolveStep } from '../../src/steps/resolve.ts';
import { discoverSteps, previousStep } from '../../src/steps/step.ts';
import { MINI, miniCopy } from '../helpers.ts';

describe('discoverSteps', () => {
  test('finds the steps in order with their metadata and chapters', () => {
    const { steps, problems } = discoverSteps(MINI);
    expect(problems).toEqual([]);
    expect(steps.map((s) => [s.number, s.id, s.title, s.buildsOn, s.chapter])).toEqual([
      [1, '01-counter', 'A counter', null, 'docs/01-counter.md'],
      [2, '02-counter-reset', 'A counter that resets', '01-counter', 'docs/02-counter-reset.md'],
    ]);
    expect(previousStep(steps, steps[1]!)?.id).toBe('01-counter');
  });

  test('reads the conformance features a step declares, none when it declares none', () => {
    const root = miniCopy();
    const manifest = join(root, 'steps/02-counter-reset/package.json');
    const json = JSON.parse(readFileSync(manifest, 'utf8'));
    writeFileSync(
      manifest,
      JSON.stringify({ ...json, otpChat: { ...json.otpChat, features: ['reset'] } }),
    );
    expect(discoverSteps(root).steps.map((s) => s.features)).toEqual([[], ['reset']]);
  });

  test('reports features that are not a list of names', () => {
    const root = miniCopy();
    const manifest = join(root, 'steps/02-counter-reset/package.json');
    const json = JSON.parse(readFileSync(manifest, 'utf8'));
    writeFileSync(
      manifest,
      JSON.stringify({ ...json, otpChat: { ...json.otpChat, features: 'reset' } }),
    );
    expect(discoverSteps(root).problems).toEqual([
      'steps/02-counter-reset: otpChat.features must be a list of feature names',
    ]);
  });

  test('reports a directory under steps/ without an otpChat block', () => {
    const root = miniCopy();
    writeFileSync(
      join(root, 'steps/01-counter/package.json'),
      '{ "name": "@otp-chat/01-counter" }',
    );
    expect(discoverSteps(root).problems).toEqual([
      'steps/01-counter/package.json has no "otpChat" block',
    ]);
  });
});

describe('validateChain', () => {
  test('the mini tutorial is a valid chain', () => {
    expect(validateChain(MINI, discoverSteps(MINI).steps)).toEqual([]);
  });

  test('a step without a chapter', () => {
    const root = miniCopy();
    rmSync(join(root, 'docs/02-counter-reset.md'));
    expect(validateChain(root, discoverSteps(root).steps)).toEqual([
      'steps/02-counter-reset has no chapter: docs/02-counter-reset.md is missing',
    ]);
  });

  test('a step without hints, and one with a single hint', () => {
    const root = miniCopy();
    rmSync(join(root, 'steps/01-counter/hints.md'));
    writeFileSync(
      join(root, 'steps/02-counter-reset/hints.md'),
      '# Hints\n\n## Only one\n\nText.\n',
    );
    expect(validateChain(root, discoverSteps(root).steps)).toEqual([
      'steps/01-counter has no hints for its exercise: steps/01-counter/hints.md is missing',
      'steps/02-counter-reset/hints.md has 1 hints (## lines); an exercise needs 2',
    ]);
  });

  test('a step that drops a feature the step it builds on promised', () => {
    const [counter, reset] = discoverSteps(MINI).steps;
    const steps = [
      { ...counter!, features: ['count', 'display'] },
      { ...reset!, features: ['reset', 'count'] },
    ];
    expect(validateChain(MINI, steps)).toEqual([
      'steps/02-counter-reset: otpChat.features drops display, which 01-counter promised; ' +
        'a step keeps every feature of the step it builds on',
    ]);
  });

  test('a gap in the numbers and a buildsOn that skips a step', () => {
    const root = miniCopy();
    const manifest = join(root, 'steps/02-counter-reset/package.json');
    renameSync(join(root, 'steps/02-counter-reset'), join(root, 'steps/03-counter-reset'));
    const moved = manifest.replace('02-counter-reset/', '03-counter-reset/');
    writeFileSync(
      moved,
      JSON.stringify({
        name: '@otp-chat/03-counter-reset',
        otpChat: { step: 3, title: 'A counter that resets', buildsOn: null },
      }),
    );
    const problems = validateChain(root, discoverSteps(root).steps);
    expect(problems).toContain('steps/03-counter-reset: step 3 where step 2 was expected');
    expect(problems).toContain(
      'steps/03-counter-reset: buildsOn is null, expected "01-counter" (the previous step)',
    );
  });
});

describe('resolveStep', () => {
  const { steps } = discoverSteps(MINI);

  test.each([
    '2',
    '02',
    '02-counter-reset',
    'counter-reset',
    '@otp-chat/02-counter-reset',
    'steps/02-counter-reset/',
  ])('"%s" names step 02', (arg) => {
    expect(resolveStep(steps, arg).id).toBe('02-counter-reset');
  });

  test('a wrong step is a usage error that lists the steps', () => {
    const attempt = () => resolveStep(steps, '7');
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(
      /There is no step "7"\. The steps are:\n {2}01 {2}01-counter +A counter\n {2}02 {2}02-counter-reset/,
    );
  });
});
