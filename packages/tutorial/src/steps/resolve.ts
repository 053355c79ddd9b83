import { UsageError } from '../errors.ts';
import { type Step, stepLabel } from './step.ts';

// What a user may type for a step: `2`, `02`, `02-message-struct`, `message-struct`,
// `@otp-chat/02-message-struct` or `steps/02-message-struct/` (as the shell completes it).
export function resolveStep(steps: readonly Step[], arg: string): Step {
  const wanted = arg
    .trim()
    .replace(/\/+$/, '')
    .replace(/^(\.\/)?steps\//, '')
    .replace(/^@otp-chat\//, '');
  const found = /^\d+$/.test(wanted)
    ? steps.find((s) => s.number === Number(wanted))
    : steps.find((s) => s.id === wanted || s.id.slice(s.id.indexOf('-') + 1) === wanted);
  if (!found) throw new UsageError(`There is no step "${arg}". ${describeSteps(steps)}`);
  return found;
}

export function describeSteps(steps: readonly Step[]): string {
  if (steps.length === 0)
    return 'There are no steps yet (steps/*/package.json with an otpChat block).';
  const lines = steps.map((s) => `  ${stepLabel(s)}  ${s.id.padEnd(28)} ${s.title}`);
  return `The steps are:\n${lines.join('\n')}`;
}
