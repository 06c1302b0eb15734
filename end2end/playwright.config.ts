/**
 * End-to-end browser tests for Doorstep.
 *
 * Runs the release binary (`target/release/doorstep`, built with
 * `cargo leptos build --release`) against a fresh SQLite database in a
 * temporary directory, on a free port, and drives Debian's Chromium
 * (`/usr/bin/chromium`; `npx playwright install` is not needed or used).
 *
 * Environment:
 *   E2E_PORT      port for the server (default: a free port picked now)
 *   E2E_BASE_URL  test an already running server instead of starting one
 *   CHROMIUM_PATH browser executable (default /usr/bin/chromium)
 */
import { defineConfig } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port nothing is listening on, found synchronously (config loading is synchronous). */
function freePort(): string {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();});",
    ],
    { encoding: 'utf8' },
  );
  const port = probe.stdout.trim();
  if (probe.status !== 0 || !/^\d+$/.test(port)) {
    return String(3100 + Math.floor(Math.random() * 2000));
  }
  return port;
}

// The config is loaded again in each worker process; the values chosen by
// the runner are passed down through the environment so they agree.
process.env.E2E_PORT ??= freePort();
if (!process.env.E2E_DB_DIR) {
  const dir = mkdtempSync(join(tmpdir(), 'doorstep-e2e-'));
  process.env.E2E_DB_DIR = dir;
  // Only the process that made the database removes it, when it exits.
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}

const port = process.env.E2E_PORT;
const external = process.env.E2E_BASE_URL;
const baseURL = external ?? `http://127.0.0.1:${port}`;
const databaseUrl = `sqlite://${join(process.env.E2E_DB_DIR, 'doorstep.db')}`;

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1, // a 2-core machine: the server needs the other core
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    // A phone: the people this is for are mostly on one.
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    {
      name: 'js',
      use: { browserName: 'chromium', javaScriptEnabled: true },
    },
    {
      // Everything a citizen does must work with JavaScript switched off.
      // axe-core needs script in the page, so accessibility runs in "js" only.
      name: 'nojs',
      use: { browserName: 'chromium', javaScriptEnabled: false },
      testIgnore: /a11y\.spec\.ts/,
    },
  ],
  webServer: external
    ? undefined
    : {
        command: './target/release/doorstep', // run from the repository root (cwd below)
        cwd: '..',
        url: `http://127.0.0.1:${port}/healthz`,
        timeout: 60_000,
        reuseExistingServer: false,
        stdout: 'pipe', // start-up messages and errors only (RUST_LOG defaults to info)
        stderr: 'pipe',
        gracefulShutdown: { signal: 'SIGINT', timeout: 5_000 },
        env: {
          DATABASE_URL: databaseUrl,
          LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
          LEPTOS_SITE_ROOT: 'target/site',
          // The suite continues plans several times from one address; the
          // default limit (10 per 15 minutes) leaves too little headroom.
          DOORSTEP_RESUME_ATTEMPTS: process.env.DOORSTEP_RESUME_ATTEMPTS ?? '50',
        },
      },
});
