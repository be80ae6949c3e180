// @pipeloom/sdk/msw in a real browser: a tiny page bundled with esbuild (platform browser) starts msw's
// service worker with the mock's handlers and drives the SDK client; headless Chromium opens it and the
// test reads what the page shows. Chromium is a system package (Debian `chromium`, installed by .ci/run):
// when it is missing this test fails rather than skips, so a browser regression cannot pass unseen.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '../..');

const PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>pipeloom mock</title>'
  + '<link rel="icon" href="data:,"></head>'
  + '<body><pre id="result"></pre><script type="module" src="/app.js"></script></body></html>';

/** The page's script with the SDK as a web app gets it: the package's `exports` (dist, built by the global setup). */
async function bundlePageScript(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(import.meta.dirname, 'browser-page/app.ts')],
    absWorkingDir: root,
    bundle: true, write: false, platform: 'browser', format: 'esm', target: 'es2022', logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Serves the page, its script and msw's worker script. Service workers need a secure origin; 127.0.0.1 is one. */
async function servePage(script: string): Promise<{ url: string; requested: string[]; close: () => Promise<void> }> {
  const files: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html', body: PAGE },
    '/app.js': { type: 'text/javascript', body: script },
    // The worker script of the very msw the page bundles, so their versions always agree.
    '/mockServiceWorker.js': { type: 'text/javascript', body: fs.readFileSync(path.join(root, 'node_modules/msw/lib/mockServiceWorker.js'), 'utf8') },
  };
  const requested: string[] = [];
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    requested.push(pathname);
    const file = files[pathname];
    if (!file) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': `${file.type}; charset=utf-8`, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, requested, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let browser: Browser | undefined;
let site: Awaited<ReturnType<typeof servePage>> | undefined;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: this test needs it. Install the Debian package (apt-get install -y chromium); .ci/run does.`);
  }
  site = await servePage(await bundlePageScript());
  // No sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('@pipeloom/sdk/msw with setupWorker in Chromium', () => {
  it('When the page creates and lists a workflow through the SDK client, then it shows the data the mock answered', async () => {
    // Arrange
    const page = await browser!.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });

    // Act
    await page.goto(site!.url);
    const shown = await page.waitForSelector('#result[data-state]', { timeout: 30_000 });
    const { state, text } = await shown!.evaluate((el) => ({ state: (el as HTMLElement).dataset.state, text: el.textContent ?? '' }));

    // Assert
    expect({ state, text, pageErrors }).toMatchObject({ state: 'done' });
    const outcome = JSON.parse(text);
    const created = { _key: expect.any(String), _rev: '1', name: 'from-the-browser', user: 'alice' };
    expect(outcome).toMatchObject({ createdStatus: 200, created, listedStatus: 200, listed: { items: [created], has_more: false } });
    expect(outcome.listed.items[0]._key).toBe(outcome.created._key);
    // The API host does not exist and this server served only the page (its icon is inline): the data came from the mock.
    expect(new Set(site!.requested)).toEqual(new Set(['/', '/app.js', '/mockServiceWorker.js']));
  });
});
