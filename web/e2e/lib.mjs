// Shared set-up for the end-to-end scenarios: Debian's Chromium driven by playwright-core against
// a Seqline node on 127.0.0.1. Each scenario is `node e2e/<name>.mjs <baseUrl> <screenshotDir>`;
// it exits 0 when every check held, and otherwise prints what it was doing and why it failed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** Debian's Chromium unless CHROMIUM names another binary. */
export const ChromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const ChromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** How long one wait may take before the scenario fails; generous for a busy 2-core machine. */
export const WaitMs = 20_000;
// A whole scenario: the longest took 20–23 s in the test suite on a 2-core machine, and 36 s when
// the suite ran three test classes at once; this only ends one that hangs, naming its step.
const ScenarioMs = 90_000;

export const Desktop = { width: 1200, height: 760 };
export const Phone = { width: 390, height: 780 };

/**
 * Runs a scenario with a browser, a deadline and a report of the step that failed; `extraArgs`
 * are more Chromium switches, for a scenario that needs one.
 */
export async function scenario(name, body, extraArgs = []) {
  const [baseUrl, shotDir = 'screenshots'] = process.argv.slice(2);
  if (!baseUrl) {
    console.error(`usage: node e2e/${name}.mjs <baseUrl> [screenshotDir]`);
    process.exit(2);
  }
  mkdirSync(shotDir, { recursive: true });
  const run = Math.random().toString(36).slice(2, 8);
  const devices = [];
  let current = 'starting';
  const started = Date.now();
  const log = (line) => console.log(`[${name} ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
  const deadline = setTimeout(() => {
    console.error(`[${name}] FAILED: the scenario took more than ${ScenarioMs / 1000} s, at step: ${current}`);
    for (const d of devices) d.dumpLog();
    process.exit(3);
  }, ScenarioMs);

  const browser = await openBrowser(extraArgs);
  const t = {
    baseUrl,
    /** A unique user id for this run: scenarios share one node. */
    user: (prefix) => `${prefix}-${run}`,
    step(text) {
      current = text;
      log(text);
    },
    async device(label, viewport = Desktop) {
      const context = await browser.newContext({ baseURL: baseUrl, viewport, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'UTC' });
      const page = await context.newPage();
      const device = new Device(label, context, page, log);
      devices.push(device);
      return device;
    },
    async shot(device, file) {
      await device.page.screenshot({ path: join(shotDir, `${name}-${file}.png`) });
      log(`screenshot ${name}-${file}.png`);
    },
    api: (userId) => ApiUser.signIn(baseUrl, userId),
  };

  let failed = false;
  try {
    await body(t);
    log('passed');
  } catch (error) {
    failed = true;
    console.error(`[${name}] FAILED after ${((Date.now() - started) / 1000).toFixed(1)} s at step: ${current}\n${error?.stack ?? error}`);
    for (const d of devices) {
      d.dumpLog();
      await d.page.screenshot({ path: join(shotDir, `${name}-FAILED-${d.label}.png`) }).catch(() => {});
    }
  } finally {
    clearTimeout(deadline);
    await browser.close().catch(() => {});
  }
  process.exit(failed ? 1 : 0);
}

/**
 * The shared browser of e2e/browser-server.mjs when the test fixture started one (SEQLINE_BROWSER_WS)
 * and the scenario needs no switches of its own; otherwise a browser of the scenario's own.
 * Closing a connected browser closes the scenario's contexts and leaves the shared one running.
 */
async function openBrowser(extraArgs) {
  const shared = process.env.SEQLINE_BROWSER_WS;
  if (shared && extraArgs.length === 0) return chromium.connect(shared, { timeout: WaitMs });
  return chromium.launch({ executablePath: ChromiumPath, headless: true, args: [...ChromiumArgs, ...extraArgs] });
}

/** One browser context: a device with its own IndexedDB and localStorage. */
export class Device {
  constructor(label, context, page, log) {
    this.label = label;
    this.context = context;
    this.page = page;
    this.lines = [];
    this.log = log;
    this.watch(page);
  }

  watch(page) {
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') this.lines.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => this.lines.push(`page error: ${e.message}`));
  }

  dumpLog() {
    if (this.lines.length) console.error(`--- ${this.label} browser log ---\n${this.lines.slice(-40).join('\n')}`);
  }

  /** Opens a fresh page in the same context (the same device after closing the tab). */
  async newPage() {
    this.page = await this.context.newPage();
    this.watch(this.page);
    return this.page;
  }

  async signIn(userId) {
    const page = this.page;
    await page.goto('/');
    await page.getByTestId('user-id').fill(userId);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('me').filter({ hasText: userId }).waitFor({ timeout: WaitMs });
    await this.waitForStatus('online');
    // A new device's first pull takes the snapshot; counting what comes by push starts after it.
    await page.waitForFunction(() => window.seqline.stats.pulls > 0, null, { timeout: WaitMs });
  }

  async waitForStatus(status) {
    await this.page.locator(`[data-testid="status"][data-status="${status}"]`).waitFor({ timeout: WaitMs });
  }

  conversation(id) {
    return this.page.locator(`[data-testid="conversation"][data-conversation-id="${id}"]`);
  }

  /** Waits until the conversation's row shows `count` unread (0: no badge). */
  async waitForUnread(id, count) {
    await this.page.waitForFunction(
      ([id, count]) => {
        const row = document.querySelector(`[data-testid="conversation"][data-conversation-id="${id}"]`);
        if (!row) return false;
        const badge = row.querySelector('[data-testid="unread-badge"]');
        return count === 0 ? badge === null : badge?.textContent === String(count);
      },
      [id, count],
      { timeout: WaitMs },
    );
  }

  /** Waits until the conversation's row previews a message containing `text`. */
  async waitForPreview(id, text) {
    await this.page.waitForFunction(
      ([id, text]) => document.querySelector(`[data-testid="conversation"][data-conversation-id="${id}"] .conv-preview`)?.textContent.includes(text),
      [id, text],
      { timeout: WaitMs },
    );
  }

  async open(id) {
    await this.conversation(id).click();
    await this.page.locator(`[data-testid="conversation-view"][data-conversation-id="${id}"]`).waitFor({ timeout: WaitMs });
  }

  async send(text) {
    const composer = this.page.getByTestId('composer');
    await composer.fill(text);
    await composer.press('Enter');
  }

  /** The open conversation's messages as shown: seq, state, sender and body. */
  messages() {
    return this.page.$$eval('[data-testid="message"]', (els) =>
      els.map((el) => ({
        seq: el.dataset.seq ? Number(el.dataset.seq) : null,
        state: el.dataset.state,
        sender: el.dataset.sender,
        body: el.querySelector('[data-testid="message-body"]').textContent,
      })),
    );
  }

  /** Waits until the open conversation shows exactly these bodies, all synced, in this order. */
  async waitForBodies(bodies, what = 'the messages') {
    try {
      await this.page.waitForFunction(
        (bodies) => {
          const els = [...document.querySelectorAll('[data-testid="message"]')];
          return els.length === bodies.length
            && els.every((el, i) => el.dataset.state === 'synced' && el.querySelector('[data-testid="message-body"]').textContent === bodies[i]);
        },
        bodies,
        { timeout: WaitMs },
      );
    } catch (e) {
      throw new Error(`${this.label} did not show ${what}.\nexpected: ${JSON.stringify(bodies)}\nshown: ${JSON.stringify(await this.messages())}`, { cause: e });
    }
  }

  stats() {
    return this.page.evaluate(() => ({ ...window.seqline.stats }));
  }
}

/** A user talking to the HTTP API directly, to set up conversations and history quickly. */
export class ApiUser {
  constructor(baseUrl, id, token) {
    this.baseUrl = baseUrl;
    this.id = id;
    this.token = token;
    this.sent = 0;
  }

  static async signIn(baseUrl, id) {
    const response = await fetch(new URL('/api/dev/token', baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: id }),
    });
    if (!response.ok) throw new Error(`dev token for ${id}: ${response.status}`);
    return new ApiUser(baseUrl, id, (await response.json()).token);
  }

  async call(method, path, body) {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  async createGroup(title, members) {
    return (await this.call('POST', '/api/conversations', { title, members })).conversationId;
  }

  /** Sends one message, waiting out the node's rate limit if it answers 429. */
  async send(conversationId, body) {
    const clientMsgId = `${this.id.replace(/[^A-Za-z0-9_-]/g, '')}-${++this.sent}`;
    for (;;) {
      const response = await fetch(new URL(`/api/conversations/${conversationId}/messages`, this.baseUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientMsgId, body }),
      });
      if (response.status === 429) {
        await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)));
        continue;
      }
      if (!response.ok) throw new Error(`send to ${conversationId}: ${response.status} ${await response.text()}`);
      return response.json();
    }
  }

  recall(conversationId, seq) {
    return this.call('POST', `/api/conversations/${conversationId}/messages/${seq}/recall`);
  }

  /** Every message of the conversation, ascending. */
  async history(conversationId) {
    const all = [];
    let before = null;
    for (;;) {
      const page = await this.call('GET', `/api/conversations/${conversationId}/messages?limit=1000${before ? `&before=${before}` : ''}`);
      all.unshift(...page.messages);
      if (!page.hasMore || page.messages.length === 0) return all;
      before = page.messages[0].seq;
    }
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}:\nexpected ${e}\nactual   ${a}`);
}
