import { describe, expect, it } from 'vitest';
import { LineClient, writeBounded } from '../src/index.js';
import { serve } from './serve.js';

describe('LineClient', () => {
  it('sends lines and waits for the lines it expects, skipping others', async () => {
    const { port, accepted } = await serve();
    const client = await LineClient.connect(port);
    const socket = await accepted();
    socket.on('data', (data) => socket.write(`echo ${data}`));
    client.send('one');
    expect(await client.expect('echo one')).toBe('echo one');
    socket.write('noise\r\nthe answer is 42\n');
    expect(await client.expect(/answer is (\d+)/)).toBe('the answer is 42');
    expect(client.received).toEqual(['echo one', 'noise', 'the answer is 42']);
    await client.close();
  });

  it('keeps a UTF-8 character whole when it arrives in two packets', async () => {
    const { port, accepted } = await serve();
    const client = await LineClient.connect(port);
    const socket = await accepted();
    const bytes = Buffer.from('ça\n');
    socket.write(bytes.subarray(0, 1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    socket.write(bytes.subarray(1));
    expect(await client.next()).toBe('ça');
    await client.close();
  });

  it('rejects with the recent lines when the expected line does not come', async () => {
    const { port, accepted } = await serve();
    const client = await LineClient.connect(port);
    (await accepted()).write('something else\n');
    await expect(client.expect('never', 100)).rejects.toThrow(/"something else"/);
    await client.close();
  });

  it('rejects a pending expect when the server closes the connection', async () => {
    const { port, accepted } = await serve();
    const client = await LineClient.connect(port);
    const waiting = client.expect('never');
    (await accepted()).end();
    await expect(waiting).rejects.toThrow(/connection closed/);
  });
});

describe('writeBounded', () => {
  it('writes while the reader keeps up', async () => {
    const { port, accepted } = await serve();
    const client = await LineClient.connect(port);
    const socket = await accepted();
    for (let i = 0; i < 100; i++)
      expect(writeBounded(socket, Buffer.from(`${i}\n`), 4096)).toBe(true);
    expect(await client.expect('99')).toBe('99');
    expect(client.received).toHaveLength(100);
    await client.close();
  });

  it('refuses once a reader that never reads has more than the limit left from earlier ticks', async () => {
    const { port, accepted } = await serve();
    const client = await LineClient.connect(port);
    client.socket.pause(); // never read: the kernel buffers fill, then the socket's own
    const socket = await accepted();
    const line = Buffer.alloc(16 * 1024, 0x61);
    const limit = 256 * 1024;
    let refused = false;
    // One write a tick, so that the kernel can take what it will in between.
    for (let round = 0; round < 10_000 && !refused; round++) {
      refused = !writeBounded(socket, line, limit);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(refused).toBe(true);
    expect(socket.writableLength).toBeGreaterThan(limit);
    expect(socket.writableLength).toBeLessThanOrEqual(limit + line.length);
    client.reset();
  });

  it('does not hold a burst written in one tick against a client that reads', async () => {
    const { port, accepted } = await serve();
    const client = await LineClient.connect(port);
    const socket = await accepted();
    const line = Buffer.from(`${'b'.repeat(1023)}\n`);
    for (let i = 0; i < 64; i++) expect(writeBounded(socket, line, 4096)).toBe(true);
    await client.expect((text) => client.received.length === 64 && text.length === 1023);
    expect(client.received).toHaveLength(64);
    await client.close();
  });

  it('is a no-op on a socket that is already closing', async () => {
    const { port, accepted } = await serve();
    const client = await LineClient.connect(port);
    const socket = await accepted();
    socket.destroy();
    expect(writeBounded(socket, Buffer.from('late\n'), 10)).toBe(true);
    await client.closed;
  });
});
