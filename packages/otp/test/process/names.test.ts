import { describe, expect, it } from 'vitest';
import {
  BadArgError,
  exit,
  Process,
  receive,
  register,
  registeredNames,
  self,
  send,
  spawn,
  unregister,
  whereis,
} from '../../src/index.ts';
import { exitReason, inProcess } from '../helpers.ts';

function idle() {
  return spawn(() => receive('never'));
}

describe('registered names', () => {
  it('register makes a name for a pid: whereis finds it, send reaches it', async () => {
    const got = await inProcess(async () => {
      expect(register('echo_me', self())).toBe(true);
      const found = whereis('echo_me');
      send('echo_me', 'by name');
      return {
        same: found === self(),
        message: await receive(undefined, 0),
        listed: registeredNames().includes('echo_me'),
        info: Process.info(self())?.registeredName,
      };
    });
    expect(got).toEqual({ same: true, message: 'by name', listed: true, info: 'echo_me' });
  });

  it('a name that is taken cannot be registered again', async () => {
    const a = idle();
    const b = idle();
    register('taken_name', a);
    expect(() => register('taken_name', b)).toThrow(BadArgError);
    expect(whereis('taken_name')).toBe(a);
    exit(a, 'kill');
    exit(b, 'kill');
  });

  it('a dead pid cannot be registered', async () => {
    const dead = spawn(() => {});
    await exitReason(dead);
    expect(() => register('for_the_dead', dead)).toThrow(BadArgError);
    expect(whereis('for_the_dead')).toBeUndefined();
  });

  it('a pid that already has a name cannot take a second one', () => {
    const pid = idle();
    register('first_name', pid);
    expect(() => register('second_name', pid)).toThrow(BadArgError);
    expect(whereis('second_name')).toBeUndefined();
    exit(pid, 'kill');
  });

  it('a name must be a non-empty string', () => {
    const pid = idle();
    expect(() => register('', pid)).toThrow(BadArgError);
    expect(() => register(42 as unknown as string, pid)).toThrow(BadArgError);
    exit(pid, 'kill');
  });

  it('the name is freed when its process exits, and can be taken again', async () => {
    const pid = idle();
    register('short_lived', pid);
    const gone = exitReason(pid);
    exit(pid, 'shutdown');
    await gone;
    expect(whereis('short_lived')).toBeUndefined();
    expect(registeredNames()).not.toContain('short_lived');
    expect(() => send('short_lived', 'hi')).toThrow(BadArgError);
    const next = idle();
    expect(register('short_lived', next)).toBe(true);
    exit(next, 'kill');
  });

  it('unregister frees the name but leaves the process alone', () => {
    const pid = idle();
    register('unregister_me', pid);
    expect(unregister('unregister_me')).toBe(true);
    expect(whereis('unregister_me')).toBeUndefined();
    expect(Process.info(pid)?.registeredName).toBeUndefined();
    expect(register('another_name', pid)).toBe(true);
    exit(pid, 'kill');
  });

  it('unregister of a name nobody has throws BadArgError', () => {
    expect(() => unregister('never_registered')).toThrow(BadArgError);
  });
});
