import { webAssets } from '@otp-chat/web';
import { describe, expect, it } from 'vitest';

// The page's files come from the step's public/ directory, a parameter, with the stylesheet
// every step shares from this package's public/: the listener, the
// connection and the rest of the transport are the conformance suite's (websocket-protocol,
// web-page, the limits), run against every step that uses this package.

const PUBLIC = new URL('fixtures/step/public/', import.meta.url);

describe('webAssets', () => {
  it("serves the step's page, the shared stylesheet and the step's own, and its script bundled with what it imports", async () => {
    const files = await webAssets(PUBLIC);
    expect([...files.keys()]).toEqual(['/', '/chat.html', '/chat.css', '/fixture.css', '/chat.js']);
    expect(files.get('/')).toBe(files.get('/chat.html'));
    expect(String(files.get('/chat.html')?.body)).toContain('<title>fixture</title>');
    expect(files.get('/chat.css')?.type).toBe('text/css; charset=utf-8');
    expect(String(files.get('/chat.css')?.body)).toContain('@media (max-width: 700px)');
    expect(files.get('/fixture.css')?.type).toBe('text/css; charset=utf-8');
    expect(String(files.get('/fixture.css')?.body)).toContain('margin: 0');
    const script = String(files.get('/chat.js')?.body);
    expect(script).toContain('function greeting(name)');
    expect(script).not.toContain('import ');
    // Paths in the bundle are from the step's directory, wherever the server was started.
    expect(script).toContain('// src/greeting.ts');
  });

  it("refuses a step's own chat.css, which would clash with the shared one", async () => {
    await expect(webAssets(new URL('fixtures/shadowing/public/', import.meta.url))).rejects.toThrow(
      "chat.css is @otp-chat/web's",
    );
  });

  it('makes the files once, for every listener of the server', async () => {
    expect(webAssets(PUBLIC)).toBe(webAssets(PUBLIC));
  });
});
