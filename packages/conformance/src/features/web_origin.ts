import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { chatFixture } from '../fixture.ts';
import { type StepUnderTest, webStep } from '../step.ts';

// Cross-site WebSocket hijacking: a browser lets any page open a WebSocket to 127.0.0.1 and
// sends the page's origin with it. The server takes its own page's origin and those it is
// told to, refuses every other with 403 before the upgrade, and forbids other sites to frame
// its page.
export function webOrigin(stepUnderTest: StepUnderTest): void {
  const chat = chatFixture(webStep(stepUnderTest));

  /** The answer to a handshake with these headers: 101 (then closed by us), 403... */
  function handshake(headers: Record<string, string>): Promise<{ status: number; body: string }> {
    const ws = new WebSocket(chat.server.wsUrl!, { headers });
    return new Promise((resolve, reject) => {
      ws.on('open', () => {
        ws.terminate();
        resolve({ status: 101, body: '' });
      });
      ws.on('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      ws.on('error', (error) => reject(error));
    });
  }

  const own = () => `http://127.0.0.1:${chat.server.webPort}`;

  describe('which pages may open a WebSocket', () => {
    it("takes the page's own origin, by address and as localhost", async () => {
      await chat.start();
      expect((await handshake({ Origin: own() })).status).toBe(101);
      const localhost = `http://localhost:${chat.server.webPort}`;
      expect((await handshake({ Origin: localhost })).status).toBe(101);
    });

    it('takes a handshake without an Origin: no browser sends one', async () => {
      await chat.start();
      expect((await handshake({})).status).toBe(101);
    });

    it.each([
      ['another site', 'https://evil.example'],
      ['another port of this host', 'http://127.0.0.1:1'],
      ['a sandboxed frame or a file', 'null'],
    ])('refuses %s with 403, before any WebSocket', async (_what, origin) => {
      await chat.start();
      expect(await handshake({ Origin: origin })).toEqual({
        status: 403,
        body: 'this page may not open a WebSocket here\n',
      });
    });

    it('refuses a DNS-rebinding page, whose Host and Origin agree with each other', async () => {
      await chat.start();
      const rebound = `evil.example:${chat.server.webPort}`;
      const answer = await handshake({ Host: rebound, Origin: `http://${rebound}` });
      expect(answer.status).toBe(403);
    });

    it('takes the origins it is told to, and still no other', async () => {
      await chat.start({ allowedOrigins: ['https://chat.example.com'] });
      expect((await handshake({ Origin: 'https://chat.example.com' })).status).toBe(101);
      expect((await handshake({ Origin: 'https://chat.example.org' })).status).toBe(403);
      expect((await handshake({ Origin: own() })).status).toBe(101);
    });

    it('does not start with an allowed origin that is not one', async () => {
      await expect(chat.start({ allowedOrigins: ['chat.example.com'] })).rejects.toThrow(
        "not an origin: 'chat.example.com'",
      );
    });
  });

  describe('framing', () => {
    it('forbids every other site to frame the page', async () => {
      await chat.start();
      const policy = await new Promise<string>((resolve, reject) => {
        request(`${own()}/chat.html`, (response) => {
          response.resume();
          resolve(String(response.headers['content-security-policy']));
        })
          .on('error', reject)
          .end();
      });
      expect(policy.split('; ')).toContain("frame-ancestors 'none'");
    });
  });
}
