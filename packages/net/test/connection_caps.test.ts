import { once } from 'node:events';
import {
  createServer as createHttpServer,
  type Server as HttpServer,
  type RequestListener,
} from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  addressKey,
  addressList,
  admitHttp,
  ConnectionCaps,
  LineClient,
  refuseBusy,
  refuseSocket,
} from '../src/index.js';
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

describe('addressList', () => {
  it('reads a setting: comma-separated, spaces and empty entries left out', () => {
    expect(addressList(' 10.0.0.0/8, ::1 ,')).toEqual(['10.0.0.0/8', '::1']);
    expect(addressList('')).toEqual([]);
    expect(() => addressList('10.0.0.1, example.com')).toThrow(
      "not an IP address or subnet: 'example.com'",
    );
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

describe('admitHttp', () => {
  const servers: HttpServer[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      server.close();
    }
  });

  /** An HTTP server on a free port whose connections `caps` admits; `answer` takes requests. */
  async function httpServer(caps: ConnectionCaps, answer?: RequestListener) {
    const server = createHttpServer(answer);
    servers.push(server);
    const refusalOf = admitHttp(server, caps);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { port: (server.address() as { port: number }).port, refusalOf };
  }

  it('counts idle connections, answers a refused one 503 with why, and frees the count', async () => {
    const caps = new ConnectionCaps({ maxConnections: 1, maxPerAddress: 1 });
    const { port, refusalOf } = await httpServer(caps, (request, response) => {
      const refusal = refusalOf(request.socket);
      if (refusal === undefined) response.end('welcome\n');
      else refuseBusy(response, refusal);
    });
    // An idle connection, which never sends a request, holds the only place.
    const idle = connect(port, '127.0.0.1');
    clients.push(idle);
    await once(idle, 'connect');
    await vi.waitFor(() => expect(caps.count).toBe(1));
    const refused = await fetch(`http://127.0.0.1:${port}/`);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toBe('the server is full (1 connection); try again later\n');
    idle.destroy();
    await vi.waitFor(() => expect(caps.count).toBe(0));
    const admitted = await fetch(`http://127.0.0.1:${port}/`, {
      headers: { connection: 'close' },
    });
    expect(await admitted.text()).toBe('welcome\n');
  });

  it('cuts a refused connection that sends no request, after a second', async () => {
    const { port } = await httpServer(new ConnectionCaps({ maxConnections: 0, maxPerAddress: 1 }));
    const silent = connect(port, '127.0.0.1');
    clients.push(silent);
    silent.resume();
    const started = performance.now();
    await once(silent, 'close');
    expect(performance.now() - started).toBeGreaterThan(900);
  });
});
