import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { chatFixture } from '../fixture.ts';
import { type StepUnderTest, webStep } from '../step.ts';

// What the web listener serves over plain HTTP: the client's files and nothing else.
export function webPage(stepUnderTest: StepUnderTest): void {
  const chat = chatFixture(webStep(stepUnderTest));

  async function get(path: string, method = 'GET') {
    const response = await fetch(`http://127.0.0.1:${chat.server.webPort}${path}`, { method });
    return { status: response.status, headers: response.headers, body: await response.text() };
  }

  describe('the web listener', () => {
    it.each(['/', '/chat.html'])(
      'serves the page at %s, allowed to run only its own code',
      async (path) => {
        await chat.start();
        const page = await get(path);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
        const policy = page.headers.get('content-security-policy') ?? '';
        expect(policy.split('; ')[0]).toBe("default-src 'self'");
        expect(page.body).toContain('<script type="module" src="chat.js"></script>');
      },
    );

    it('serves the stylesheet, and the script built from chat.ts with the typed client in it', async () => {
      await chat.start();
      const css = await get('/chat.css');
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(css.body).toContain('@media (max-width: 700px)');
      const js = await get('/chat.js');
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      // The client's code and the page's, in one file.
      expect(js.body).toContain('// src/client.ts');
      expect(js.body).toContain('// public/chat.ts');
      // Types are gone: what the browser gets is JavaScript, with no import left to resolve.
      expect(js.body).not.toMatch(/^import /m);
      expect(js.body).not.toContain('zod');
    });

    it('answers HEAD like GET without a body, and other methods with 405', async () => {
      await chat.start();
      const head = await get('/chat.css', 'HEAD');
      expect(head.status).toBe(200);
      expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
      expect(head.body).toBe('');
      const post = await get('/chat.html', 'POST');
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
    });

    it('answers 404 for anything else, and 426 for plain HTTP at the WebSocket path', async () => {
      await chat.start();
      expect((await get('/secret.txt')).status).toBe(404);
      expect((await get('/../package.json')).status).toBe(404);
      expect((await get('/ws')).status).toBe(426);
    });

    it('survives a request line that is no URL', async () => {
      await chat.start();
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: chat.server.webPort, path: '//[' });
        req
          .on('response', (response) => resolve(response.statusCode))
          .on('error', reject)
          .end();
      });
      expect(status).toBe(404);
      expect((await get('/')).status).toBe(200);
    });

    it('takes WebSocket connections at /ws only', async () => {
      await chat.start();
      const elsewhere = new WebSocket(`ws://127.0.0.1:${chat.server.webPort}/chat`);
      const refused = await new Promise<string>((resolve) =>
        elsewhere.on('error', (error) => resolve(error.message)),
      );
      expect(refused).toBe('Unexpected server response: 404');
      const client = await chat.web();
      expect(client.isOpen).toBe(true);
    });
  });
}
