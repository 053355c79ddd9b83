import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { declaredFeatures, FEATURES, type StepUnderTest, selected, webStep } from '../src/index.ts';

// The runner's reading of a step's package.json; the features themselves run in the steps.

const scratch = mkdtempSync(join(tmpdir(), 'conformance-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let made = 0;
function manifest(otpChat: object): string {
  const file = join(scratch, `package-${++made}.json`);
  writeFileSync(file, JSON.stringify({ name: '@otp-chat/99-x', otpChat }));
  return file;
}

describe('declaredFeatures', () => {
  it('reads otpChat.features, in the order given', () => {
    const file = manifest({ step: 99, features: ['commands', 'telnet-chat'] });
    expect(declaredFeatures(file)).toEqual(['commands', 'telnet-chat']);
  });

  it('refuses a feature the suite does not know, naming those it does', () => {
    const file = manifest({ step: 99, features: ['telnet-chat', 'telepathy'] });
    expect(() => declaredFeatures(file)).toThrow(
      new RegExp(`unknown features telepathy; the suite knows ${Object.keys(FEATURES)[0]}`),
    );
  });

  it.each([[{ step: 99 }], [{ step: 99, features: [] }], [{ step: 99, features: 'commands' }]])(
    'refuses a step that lists no features: %j',
    (otpChat) => {
      expect(() => declaredFeatures(manifest(otpChat))).toThrow(/otpChat.features must list/);
    },
  );
});

describe('selected', () => {
  it('is every declared feature when no filter is set', () => {
    expect(selected(['telnet-chat', 'commands'])).toEqual(['telnet-chat', 'commands']);
    expect(selected(['telnet-chat', 'commands'], ' ')).toEqual(['telnet-chat', 'commands']);
  });

  it('keeps the declared features a filter names, in declared order', () => {
    expect(selected(['telnet-chat', 'commands'], 'commands, telnet-chat')).toEqual([
      'telnet-chat',
      'commands',
    ]);
    expect(selected(['telnet-chat', 'commands'], 'commands')).toEqual(['commands']);
  });

  it('refuses a filter naming a feature the step does not declare', () => {
    expect(() => selected(['telnet-chat'], 'commands')).toThrow(/does not declare: commands/);
  });
});

describe('webStep', () => {
  it('names every web export a step lacks, for the one failing test a web feature registers', () => {
    const telnetOnly = { startChat: async () => ({ port: 1, stop: async () => {} }) };
    expect(() => webStep(telnetOnly as unknown as StepUnderTest)).toThrow(
      'a web feature needs the step to export ChatClient, ServerMessage, MAX_TEXT_LENGTH, ' +
        'WEB_LISTENER, ERROR_CODES, decodeClientFrame',
    );
  });
});
