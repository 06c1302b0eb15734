// How long an agent waits: from opening the console to the first search
// result, in Debian's Chromium against the release build.
//
// Starts `target/release/doorstep` on a free port with a fresh SQLite
// database, adds an agent with `doorstep staff add`, signs in, then RUNS
// times (default 9) opens /staff, types "sk" as soon as the live search is
// ready, and notes (from the page's own clock, which starts at navigation):
//   ready   – the search island has hydrated (typing now searches live)
//   result  – the first result is on screen
// and prints each run and the medians. Run with `make measure-console`.

import { chromium } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const binary = join(root, 'target', 'release', 'doorstep');
const runs = Number(process.env.RUNS ?? 9);

const port = await new Promise((done) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => done(p));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'doorstep-console-'));
const env = { ...process.env, DATABASE_URL: `sqlite://${join(dir, 'doorstep.db')}`, LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_SITE_ROOT: 'target/site', RUST_LOG: 'warn' };
const password = 'a long passphrase for measuring';
const add = spawnSync(binary, ['staff', 'add', 'bench@fernhallow.example', '--role', 'agent'], { cwd: root, env, input: `${password}\n`, encoding: 'utf8' });
if (add.status !== 0) throw new Error(`staff add failed: ${add.stderr}`);

const server = spawn(binary, [], { cwd: root, env, stdio: 'inherit' });
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {}
  if (i > 200) throw new Error('the server did not start');
  await new Promise((r) => setTimeout(r, 50));
}

// Notes when the live search's input listener is attached, and when the
// first result appears, on the page's own clock.
const PROBE = `(() => {
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, l, o) {
    if (type === 'input' && this instanceof Element && this.querySelector && this.querySelector('#staff-q')) {
      window.__ready ??= performance.now();
    }
    return add.call(this, type, l, o);
  };
  new MutationObserver(() => {
    if (window.__result === undefined && document.querySelector('#search-results .ds-results__item')) {
      window.__result = performance.now();
    }
  }).observe(document, { childList: true, subtree: true });
})();`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const samples = [];
try {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 720 } });
  await context.addInitScript(PROBE);
  const page = await context.newPage();
  await page.goto('/staff/login');
  await page.getByLabel('Email address').fill('bench@fernhallow.example');
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL(/\/staff$/);
  for (let i = 0; i < runs + 1; i++) {
    await page.goto('/staff', { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__ready !== undefined);
    await page.keyboard.type('sk');
    await page.waitForFunction(() => window.__result !== undefined);
    const t = await page.evaluate(() => ({ ready: window.__ready, result: window.__result }));
    if (i > 0) samples.push(t); // the first run warms the cache, as an agent's day does
  }
} finally {
  await browser.close();
  server.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
for (const [i, t] of samples.entries()) {
  console.log(`run ${i + 1}: ready ${t.ready.toFixed(0)} ms, first result ${t.result.toFixed(0)} ms`);
}
console.log(
  `median of ${samples.length}: search ready ${median(samples.map((t) => t.ready)).toFixed(0)} ms, ` +
    `first result ${median(samples.map((t) => t.result)).toFixed(0)} ms after opening /staff ` +
    `(includes the 150 ms pause the live search waits for typing to stop)`,
);
