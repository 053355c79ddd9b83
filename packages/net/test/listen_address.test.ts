import { describe, expect, it } from 'vitest';
import { dialHost, hostInUrl } from '../src/index.js';

describe('dialHost', () => {
  it('names the loopback for a server listening on every interface', () => {
    expect(dialHost('0.0.0.0')).toBe('127.0.0.1');
    expect(dialHost('::')).toBe('::1');
  });

  it('keeps any other host as it is', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost', '192.168.1.5', 'fe80::1', 'chat.example'])
      expect(dialHost(host)).toBe(host);
  });
});

describe('hostInUrl', () => {
  it('brackets IPv6 addresses and nothing else', () => {
    expect(hostInUrl('::1')).toBe('[::1]');
    expect(hostInUrl('fe80::1')).toBe('[fe80::1]');
    expect(hostInUrl('127.0.0.1')).toBe('127.0.0.1');
    expect(hostInUrl('localhost')).toBe('localhost');
  });

  it('gives a host a URL parser takes back unchanged', () => {
    for (const host of ['::1', '10.0.0.1', 'localhost'])
      expect(new URL(`ws://${hostInUrl(host)}:8080/ws`).hostname).toBe(hostInUrl(host));
  });
});
