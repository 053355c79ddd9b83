import { describe, expect, it } from 'vitest';
import { OriginPolicy } from '../src/index.js';

describe('OriginPolicy', () => {
  it("allows the page's own origins, worked out from the address listened on", () => {
    const policy = new OriginPolicy('127.0.0.1');
    expect(policy.origins(4000)).toEqual(['http://127.0.0.1:4000', 'http://localhost:4000']);
    expect(policy.allows('http://127.0.0.1:4000', 4000)).toBe(true);
    expect(policy.allows('http://LOCALHOST:4000', 4000)).toBe(true);
  });

  it('refuses other sites, other ports, https, null and what is no origin', () => {
    const policy = new OriginPolicy('127.0.0.1');
    for (const origin of [
      'http://evil.example',
      'http://127.0.0.1:4001',
      'https://127.0.0.1:4000',
      'null',
      '',
      'file://',
      'http://127.0.0.1:4000.evil.example',
    ]) {
      expect(policy.allows(origin, 4000), origin).toBe(false);
    }
  });

  it('lets a request without an Origin header through: no browser sent it', () => {
    expect(new OriginPolicy('127.0.0.1').allows(undefined, 4000)).toBe(true);
  });

  it('allows the origins it is given, compared as browsers write them', () => {
    const policy = new OriginPolicy('127.0.0.1', ['https://Chat.Example.com:443/']);
    expect(policy.origins(80)).toEqual([
      'http://127.0.0.1',
      'http://localhost',
      'https://chat.example.com',
    ]);
    expect(policy.allows('https://chat.example.com', 80)).toBe(true);
    expect(policy.allows('http://chat.example.com', 80)).toBe(false);
    expect(policy.allows('http://127.0.0.1', 80)).toBe(true);
  });

  it('refuses, by name, a given origin that is not one', () => {
    for (const bad of ['chat.example.com', 'https://chat.example.com/chat', 'ftp://x', 'null']) {
      expect(() => new OriginPolicy('127.0.0.1', [bad]), bad).toThrow(`not an origin: '${bad}'`);
    }
  });

  it('knows an IPv6 address and a wildcard address', () => {
    expect(new OriginPolicy('::1').origins(4000)).toEqual([
      'http://[::1]:4000',
      'http://localhost:4000',
    ]);
    const wildcard = new OriginPolicy('0.0.0.0');
    expect(wildcard.allows('http://127.0.0.1:4000', 4000)).toBe(true);
    expect(wildcard.allows('http://localhost:4000', 4000)).toBe(true);
    expect(wildcard.allows('http://evil.example:4000', 4000)).toBe(false);
  });
});
