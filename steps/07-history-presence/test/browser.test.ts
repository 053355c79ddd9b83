import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as step from '@otp-chat/07-history-presence';
import { userPid } from '@otp-chat/07-history-presence';
import { chatFixture } from '@otp-chat/conformance';
import { exit } from '@otp-chat/otp';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// The page in a real browser: headless Chromium, driven by playwright-core, against a server
// started by the test. Debian's chromium package is used (CHROMIUM_PATH names another); where
// there is none, these tests do not run, and say so loudly rather than pass in silence.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** The picture of the page, for docs/07-history-presence.md. */
const SCREENSHOT = fileURLToPath(new URL('../../../docs/images/07-chat.png', import.meta.url));

const chat = chatFixture(step);

if (!existsSync(CHROMIUM)) {
  const reason = `browser tests NOT RUN: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  console.warn(`\n${'!'.repeat(100)}\n!! ${reason}\n${'!'.repeat(100)}\n`);
  describe('the page in a real browser', () => {
    it.skip(reason, () => {});
  });
} else {
  describe('the page in a real browser', browserTests);
}

function browserTests() {
  let browser: Browser;

  // One browser (playwright gives it a fresh, temporary profile directory), and a context of
  // its own for each person: two windows that share nothing, like two people's browsers.
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    for (const context of browser.contexts()) await context.close();
  });

  /** A fresh page on the chat, connected. */
  async function openPage(): Promise<Page> {
    const context = await browser.newContext({
      // Times on the page in one zone and format wherever the test runs.
      timezoneId: 'UTC',
      locale: 'en-GB',
      viewport: { width: 960, height: 540 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`http://127.0.0.1:${chat.server.webPort}/chat.html`);
    await waitForText(page, '#status', 'connected');
    return page;
  }

  async function enter(page: Page, name: string, room = 'lobby'): Promise<void> {
    await page.fill('#name', name);
    await page.fill('#room', room);
    await page.click('#join-form button');
    await waitForText(page, '#status', `connected as ${name}`);
  }

  /** A started server, and ada and grace on two pages, both in the lobby. */
  async function adaAndGrace(): Promise<[Page, Page]> {
    await chat.start();
    const ada = await openPage();
    const grace = await openPage();
    await enter(ada, 'ada');
    await enter(grace, 'grace');
    return [ada, grace];
  }

  async function say(page: Page, text: string): Promise<void> {
    await page.fill('#text', text);
    await page.press('#text', 'Enter');
  }

  it('lets two people join a room, talk, and see each other; markup stays text', async () => {
    const [ada, grace] = await adaAndGrace();
    await waitForCount(ada, '#member-list li', 2);
    expect(await ada.locator('#member-list li').allTextContents()).toEqual(['ada', 'grace']);
    expect(await grace.locator('#member-list li').allTextContents()).toEqual(['ada', 'grace']);
    expect(await ada.locator('#room-list li').allTextContents()).toEqual(['lobby2']);

    // The room's clock, stopped for the picture: the times it shows are the same every run.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-14T09:26:00Z') });
    try {
      await say(ada, 'Hello Grace! Is the new build green?');
      await say(grace, 'All green. Try this: <img src=x onerror="window.pwned = true">');
      await waitForCount(ada, '#messages li.mine', 1);
      await waitForCount(ada, '#messages li:not(.notice):not(.mine)', 1);
    } finally {
      vi.useRealTimers();
    }
    const lines = await ada.locator('#messages li').allTextContents();
    expect(lines).toEqual([
      'You joined lobby.',
      'grace joined.',
      '09:26adaHello Grace! Is the new build green?',
      '09:26graceAll green. Try this: <img src=x onerror="window.pwned = true">',
    ]);
    // Shown as the characters typed: no element was made of it, and nothing ran.
    expect(await ada.locator('#messages img').count()).toBe(0);
    expect(await ada.evaluate('window.pwned')).toBeUndefined();
    await saveScreenshot(ada);
  });

  it('sends a private line with /msg, and shows one to and from a telnet user', async () => {
    await chat.start();
    const ada = await openPage();
    await enter(ada, 'ada');
    const bob = await chat.login('bob');
    await say(ada, '/msg bob psst, bob');
    expect(await bob.expect(/^\[private\]/)).toBe('[private] ada: psst, bob');
    bob.send('/msg ada hello from telnet');
    await waitForCount(ada, '#messages li.private', 2);
    expect(await ada.locator('#messages li.private').allTextContents()).toEqual([
      '[private] you to bobpsst, bob',
      '[private] bob to youhello from telnet',
    ]);
  });

  it('shows an error inline, and the name can be fixed', async () => {
    await chat.start();
    const page = await openPage();
    await page.fill('#name', 'two words');
    await page.click('#join-form button');
    await waitForText(page, '#error', 'username: a name cannot contain spaces');
    expect(await page.isVisible('#error')).toBe(true);
    await enter(page, 'ada');
    expect(await page.textContent('#room-title')).toBe('lobby');
  });

  it('joins a second room, switches between them, and leaves one', async () => {
    const [ada, grace] = await adaAndGrace();
    await joinAnother(ada, 'garden');
    expect(await ada.textContent('#room-title')).toBe('garden');
    expect(await ada.locator('#member-list li').allTextContents()).toEqual(['ada']);
    await ada.click('#room-list li[data-room="lobby"] button');
    await waitForText(ada, '#room-title', 'lobby');
    expect(await ada.locator('#member-list li').allTextContents()).toEqual(['ada', 'grace']);
    await ada.click('#leave');
    await waitForText(ada, '#room-title', 'garden');
    await grace.locator('#messages li', { hasText: 'ada left.' }).waitFor();
    expect(await grace.locator('#member-list li').allTextContents()).toEqual(['grace']);
  });

  it('connects again by itself after a server restart, back in its rooms', async () => {
    const [ada, grace] = await adaAndGrace();
    const webPort = chat.server.webPort;
    await chat.server.stop();
    await waitForText(ada, '#error', 'the server is shutting down');
    await waitForText(ada, '#status', 'disconnected (');
    await chat.start({ webPort });
    await ada.locator('#messages li', { hasText: 'Connected again.' }).waitFor();
    await grace.locator('#messages li', { hasText: 'Connected again.' }).waitFor();
    await waitForCount(ada, '#member-list li', 2);
    await say(grace, 'back');
    await ada.locator('#messages li .text', { hasText: 'back' }).waitFor();
  });

  it('fits a phone-sized screen', async () => {
    await chat.start();
    const page = await openPage();
    await page.setViewportSize({ width: 375, height: 667 });
    await enter(page, 'ada');
    await say(page, 'a line long enough to wrap on a narrow screen, '.repeat(4));
    await waitForCount(page, '#messages li.mine', 1);
    // Nothing sticks out sideways: the page needs no horizontal scrolling.
    const [width, viewport] = (await page.evaluate(
      '[document.documentElement.scrollWidth, innerWidth]',
    )) as number[];
    expect(width).toBeLessThanOrEqual(viewport!);
    for (const selector of ['#text', '#say-form button', '#member-list li']) {
      const box = (await page.locator(selector).boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(375);
      expect(box.y + box.height).toBeLessThanOrEqual(667);
    }
    // In the strip of rooms, a room's count stands apart from its name ('lobby 1', not 'lobby1').
    const [name, count] = await page.locator('#room-list li button > span').all();
    const [nameBox, countBox] = [(await name!.boundingBox())!, (await count!.boundingBox())!];
    expect(countBox.x - (nameBox.x + nameBox.width)).toBeGreaterThanOrEqual(4);
  });

  it('comes back from a cut socket with every message once, and loads older ones at the top', async () => {
    await chat.start({ historyReplay: 5 });
    const ada = await openPage();
    await enter(ada, 'ada');
    const bob = await chat.login('bob');
    for (let n = 1; n <= 12; n++) bob.send(`m${n}`);
    await waitForCount(ada, '#messages li[data-id]', 12);
    // The server cuts ada's connection; bob talks on while her page is away.
    exit(userPid('ada')!, 'kill');
    await waitForText(ada, '#status', 'disconnected (');
    for (let n = 13; n <= 15; n++) bob.send(`m${n}`);
    await ada.locator('#messages li', { hasText: 'Connected again.' }).waitFor();
    await waitForCount(ada, '#messages li[data-id]', 15);
    const all = Array.from({ length: 15 }, (_, i) => `m${i + 1}`);
    expect(await ada.locator('#messages li[data-id] .text').allTextContents()).toEqual(all);

    // A newcomer sees the last 5; at the top of the view, the 10 before them come.
    const grace = await openPage();
    await enter(grace, 'grace');
    await waitForCount(grace, '#messages li[data-id]', 5);
    await grace.evaluate(`{
      const box = document.querySelector('#messages');
      box.scrollTop = 0;
      box.dispatchEvent(new Event('scroll'));
    }`);
    await waitForCount(grace, '#messages li[data-id]', 15);
    expect(await grace.locator('#messages li[data-id] .text').allTextContents()).toEqual(all);
  });

  it('shows who is typing, and who is away and why', async () => {
    const [ada, grace] = await adaAndGrace();
    await waitForCount(ada, '#member-list li', 2);
    await grace.press('#text', 'h');
    await waitForText(ada, '#typing', 'grace is typing');
    await say(grace, 'hi');
    await ada.locator('#messages li .text', { hasText: 'hi' }).waitFor();
    // Her message came: she is not typing any more.
    expect(await ada.textContent('#typing')).toBe('');
    await grace.fill('#away-note', 'lunch');
    await grace.click('#away');
    await waitForText(ada, '#member-list li.away', 'away: lunch');
    await grace.click('#away');
    await ada.locator('#member-list li.away').waitFor({ state: 'detached' });
  });

  it('tells each room of a typing user, even one after the other within a second', async () => {
    const [ada, grace] = await adaAndGrace();
    await joinAnother(ada, 'garden');
    await joinAnother(grace, 'garden');
    await grace.press('#text', 'h');
    await waitForText(ada, '#typing', 'grace is typing');
    // Straight on, in the other room: that room has not been told yet, so it is told now.
    await grace.click('#room-list li[data-room="lobby"] button');
    await waitForText(grace, '#room-title', 'lobby');
    await grace.press('#text', 'i');
    await ada.click('#room-list li[data-room="lobby"] button');
    await waitForText(ada, '#typing', 'grace is typing');
  });

  it('says a room restarted, not that the connection came back, when only the room crashed', async () => {
    const [ada, grace] = await adaAndGrace();
    await say(grace, 'before');
    await ada.locator('#messages li .text', { hasText: 'before' }).waitFor();
    exit(step.ChatServer.whereis('lobby')!, 'kill');
    await ada
      .locator('#messages li', { hasText: 'lobby restarted; you are still in it.' })
      .waitFor();
    await say(grace, 'after');
    await ada.locator('#messages li .text', { hasText: 'after' }).waitFor();
    expect(await ada.locator('#messages li[data-id] .text').allTextContents()).toEqual([
      'before',
      'after',
    ]);
    expect(await ada.locator('#messages li', { hasText: 'Connected again.' }).count()).toBe(0);
  });

  async function joinAnother(page: Page, room: string): Promise<void> {
    await page.fill('#room', room);
    await page.click('#join-form button');
    await waitForText(page, '#room-title', room);
  }
}

/** Waits until the element at `selector` shows `text` (in part). */
async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).filter({ hasText: text }).waitFor();
}

/** Waits until there are `count` elements at `selector`, then checks there are no more. */
async function waitForCount(page: Page, selector: string, count: number): Promise<void> {
  await page
    .locator(selector)
    .nth(count - 1)
    .waitFor();
  expect(await page.locator(selector).count()).toBe(count);
}

/**
 * Saves the picture the chapter shows, only when it differs from the one there: a run on the
 * same machine makes the same bytes, so the file changes only when the page does.
 */
async function saveScreenshot(page: Page): Promise<void> {
  const picture = await page.screenshot({ animations: 'disabled', caret: 'hide' });
  const current = await readFile(SCREENSHOT).catch(() => undefined);
  if (current === undefined || !picture.equals(current)) await writeFile(SCREENSHOT, picture);
}
