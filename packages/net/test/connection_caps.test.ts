import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { addressKey, ConnectionCaps, LineClient, refuseSocket } from '../src/index.js';
import { serve } from './serve.js';

const clients: Socket[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

/** A client connected to `port`, and the server's side of it. */
async function pair(port: number, accepted: () => Promise<Socket>) {
  const client = connect(port, '127.0.0.1');
  client.on('error', () => {});
  clients.push(client);
  return { client, server: await accepted() };
}

describe('ConnectionCaps', () => {
  it('admits up to the per-address cap, then refuses that address', async () => {
    const { port, accepted } = await serve();
    const caps = new ConnectionCaps({ maxConnections: 100, maxPerAddress: 2, exempt: [] });
    const verdicts = [];
    for (let i = 0; i < 3; i++) verdicts.push(caps.admit((await pair(port, accepted)).server));
    expect(verdicts).toEqual([undefined, undefined, 'address_full']);
    expect(caps.count).toBe(2);
    expect(caps.countFrom('127.0.0.1')).toBe(2);
  });

  it('admits up to the total cap, then refuses everyone, exempt or not', async () => {
    const { port, accepted } = await serve();
    const caps = new ConnectionCaps({ maxConnections: 2, maxPerAddress: 1 });
    const verdicts = [];
    for (let i = 0; i < 3; i++) verdicts.push(caps.admit((await pair(port, accepted)).server));
    // Loopback is exempt from the per-address cap by default, never from the total.
    expect(verdicts).toEqual([undefined, undefined, 'server_full']);
    expect(caps.countFrom('127.0.0.1')).toBe(0);
  });

  it('counts a connection until it closes, whichever side closes it', async () => {
    const { port, accepted } = await serve();
    const caps = new ConnectionCaps({ maxConnections: 2, maxPerAddress: 2, exempt: [] });
    const first = await pair(port, accepted);
    const second = await pair(port, accepted);
    caps.admit(first.server);
    caps.admit(second.server);
    expect(caps.admit((await pair(port, accepted)).server)).toBe('server_full');
    first.client.destroy();
    await once(first.server, 'close');
    second.server.destroy();
    await once(second.server, 'close');
    expect([caps.count, caps.countFrom('127.0.0.1')]).toEqual([0, 0]);
    expect(caps.admit((await pair(port, accepted)).server)).toBeUndefined();
  });

  it('explains each refusal with the limit met', () => {
    const caps = new ConnectionCaps({ maxConnections: 500, maxPerAddress: 16 });
    expect(caps.explain('server_full')).toBe(
      'the server is full (500 connections); try again later',
    );
    expect(caps.explain('address_full')).toBe(
      'too many connections from your address (at most 16); close one and try again',
    );
  });

  it('takes exempt addresses and subnets, and refuses a bad one by name', () => {
    expect(
      () =>
        new ConnectionCaps({ maxConnections: 1, maxPerAddress: 1, exempt: ['10.0.0.0/8', '::1'] }),
    ).not.toThrow();
    expect(
      () => new ConnectionCaps({ maxConnections: 1, maxPerAddress: 1, exempt: ['localhost'] }),
    ).toThrow("not an IP address or subnet: 'localhost'");
    expect(
      () => new ConnectionCaps({ maxConnections: 1, maxPerAddress: 1, exempt: ['10.0.0.0/33'] }),
    ).toThrow("not an IP address or subnet: '10.0.0.0/33'");
  });
});

describe('addressKey', () => {
  it('counts IPv4 by address, IPv6 by its /64, and a mapped IPv4 as IPv4', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('refuseSocket', () => {
  it('tells the client why, then closes', async () => {
    const { port, accepted } = await serve();
    const client = await LineClient.connect(port);
    refuseSocket(await accepted(), 'error: the server is full; try again later');
    expect(await client.next()).toBe('error: the server is full; try again later');
    await client.closed;
  });

  it('cuts a client that keeps its side open, after a second', async () => {
    const { port, accepted } = await serve();
    const client = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    clients.push(client);
    client.resume(); // reads the refusal, never closes its side
    const server = await accepted();
    refuseSocket(server, 'refused');
    const started = performance.now();
    await once(server, 'close');
    expect(performance.now() - started).toBeGreaterThan(900);
  });
});
