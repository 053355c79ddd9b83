import { describe, expect, it } from 'vitest';
import { OriginPolicy } from '../src/index.js';

describe('OriginPolicy', () => {
  it("allows the page's own origins, worked out from the address listened on", () => {
    const policy = new OriginPolicy('127.0.0.1', 4000);
    expect(policy.origins).toEqual(['http://127.0.0.1:4000', 'http://localhost:4000']);
    expect(policy.allows('http://127.0.0.1:4000')).toBe(true);
    expect(policy.allows('http://LOCALHOST:4000')).toBe(true);
  });

  it('refuses other sites, other ports, https, null and what is no origin', () => {
    const policy = new OriginPolicy('127.0.0.1', 4000);
    for (const origin of [
      'http://evil.example',
      'http://127.0.0.1:4001',
      'https://127.0.0.1:4000',
      'null',
      '',
      'file://',
      'http://127.0.0.1:4000.evil.example',
    ]) {
      expect(policy.allows(origin), origin).toBe(false);
    }
  });

  it('lets a request without an Origin header through: no browser sent it', () => {
    expect(new OriginPolicy('127.0.0.1', 4000).allows(undefined)).toBe(true);
  });

  it('allows the origins it is given, compared as browsers write them', () => {
    const policy = new OriginPolicy('127.0.0.1', 80, ['https://Chat.Example.com:443/']);
    expect(policy.origins).toEqual([
      'http://127.0.0.1',
      'http://localhost',
      'https://chat.example.com',
    ]);
    expect(policy.allows('https://chat.example.com')).toBe(true);
    expect(policy.allows('http://chat.example.com')).toBe(false);
  });

  it('refuses, by name, a given origin that is not one', () => {
    for (const bad of ['chat.example.com', 'https://chat.example.com/chat', 'ftp://x', 'null']) {
      expect(() => new OriginPolicy('127.0.0.1', 4000, [bad]), bad).toThrow(
        `not an origin: '${bad}'`,
      );
    }
  });

  it('knows an IPv6 address and a wildcard address', () => {
    expect(new OriginPolicy('::1', 4000).origins).toEqual([
      'http://[::1]:4000',
      'http://localhost:4000',
    ]);
    const wildcard = new OriginPolicy('0.0.0.0', 4000);
    expect(wildcard.allows('http://127.0.0.1:4000')).toBe(true);
    expect(wildcard.allows('http://localhost:4000')).toBe(true);
    expect(wildcard.allows('http://evil.example:4000')).toBe(false);
  });
});
