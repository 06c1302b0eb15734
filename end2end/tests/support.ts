/**
 * Shared fixtures and helpers for the Doorstep browser tests.
 *
 * `test` is Playwright's, extended so that every page (including extra
 * "devices" opened with `newDevice()`, each its own browser context) records
 * which elements got event listeners. Leptos islands attach their listeners
 * when they hydrate, so a test can wait for an island to be live before
 * relying on it; without that, a click made before the WASM has loaded would
 * fall back to a plain form submission and hide a broken island.
 */
import { test as base, expect, type Browser, type BrowserContext, type Locator, type Page, type TestInfo } from '@playwright/test';

export { expect };
export type { Page };

/** A plan reference as shown to people: three groups of three, Crockford base 32. */
export const REFERENCE = /^[0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{3}$/;

/** The address of the plan page, after a redirect that may add a query or fragment. */
export const PLAN_URL = /\/plan(?:[?#].*)?$/;

export const PROGRESS = /^You have done (\d+) of (\d+) tasks\.$/;

/** Answers for a renter with a car, no school-age children, moving into the area. */
export const RENTER_WITH_CAR = { tenure: 'rent', car: 'yes', children: 'no', moving: 'into' } as const;

// Runs in every page before its own scripts: notes each addEventListener call
// on the element it was made on. (Leptos without event delegation uses
// addEventListener; with delegation it sets a `$$$<event>` property instead.)
const LISTENER_PROBE = `(() => {
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    try { (this.__e2eListeners ||= []).push(type); } catch (_) {}
    return add.call(this, type, listener, options);
  };
})();`;

type Device = { page: Page; logs: string[] };

async function instrument(page: Page): Promise<Device> {
  const logs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') logs.push(`[${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  page.on('requestfailed', (r) => logs.push(`[requestfailed] ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 500) logs.push(`[http ${r.status()}] ${r.request().method()} ${r.url()}`);
  });
  await page.addInitScript(LISTENER_PROBE);
  return { page, logs };
}

async function attachLogs(testInfo: TestInfo, name: string, logs: string[]) {
  if (logs.length > 0 && testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach(`${name} console`, { body: logs.join('\n'), contentType: 'text/plain' });
  }
}

type Fixtures = {
  /** Opens a page in a new browser context: another phone, another person. */
  newDevice: () => Promise<Page>;
};

export const test = base.extend<Fixtures>({
  page: async ({ page }, use, testInfo) => {
    const device = await instrument(page);
    await use(page);
    await attachLogs(testInfo, 'page', device.logs);
  },
  newDevice: async (
    { browser, baseURL, javaScriptEnabled, viewport, isMobile, hasTouch, deviceScaleFactor, locale, timezoneId },
    use,
    testInfo,
  ) => {
    const opened: { context: BrowserContext; device: Device }[] = [];
    await use(async () => {
      const context = await (browser as Browser).newContext({
        baseURL,
        javaScriptEnabled,
        viewport,
        isMobile,
        hasTouch,
        deviceScaleFactor,
        locale,
        timezoneId,
      });
      context.setDefaultTimeout(10_000);
      context.setDefaultNavigationTimeout(20_000);
      const device = await instrument(await context.newPage());
      opened.push({ context, device });
      return device.page;
    });
    for (const [i, { context, device }] of opened.entries()) {
      await attachLogs(testInfo, `device ${i + 2}`, device.logs);
      await context.close();
    }
  },
});

/**
 * Waits until the island around `selector` has hydrated, that is until the
 * element or one of its ancestors listens for `eventType`.
 */
export async function waitForIsland(page: Page, selector: string, eventType: string) {
  try {
    await page.waitForFunction(
      ({ selector, eventType }) => {
        for (let node: Element | null = document.querySelector(selector); node; node = node.parentElement) {
          const n = node as unknown as Record<string, unknown> & { __e2eListeners?: string[] };
          if (n['$$$' + eventType] !== undefined) return true;
          if (n.__e2eListeners?.includes(eventType)) return true;
        }
        return false;
      },
      { selector, eventType },
      { timeout: 15_000 },
    );
  } catch (e) {
    throw new Error(
      `The island around ${selector} did not hydrate within 15 s (no "${eventType}" listener). ` +
        `Is /pkg served and does the WASM load under the page's Content-Security-Policy? ` +
        `See the attached console log.\n${String(e)}`,
    );
  }
}

/** Marks the current document, to prove later that no navigation replaced it. */
export async function markDocument(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { __e2eSameDocument?: boolean }).__e2eSameDocument = true;
  });
}

export async function expectSameDocument(page: Page, what: string) {
  const same = await page.evaluate(() => (window as unknown as { __e2eSameDocument?: boolean }).__e2eSameDocument === true);
  expect(same, `${what} should update the page in place, without loading a new page`).toBe(true);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A date `days` from today, as typed into a GOV.UK date input and as the plan shows it. */
export function dateInDays(days: number) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return {
    day: String(d.getDate()),
    month: String(d.getMonth() + 1),
    year: String(d.getFullYear()),
    long: `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`,
  };
}

export async function fillDate(page: Page, date: { day: string; month: string; year: string }) {
  const form = page.locator('form#start-plan');
  await form.getByLabel('Day', { exact: true }).fill(date.day);
  await form.getByLabel('Month', { exact: true }).fill(date.month);
  await form.getByLabel('Year', { exact: true }).fill(date.year);
}

/** The plan reference on /plan, checked against the format. */
export async function readReference(page: Page): Promise<string> {
  const ref = page.locator('#plan-reference');
  await expect(ref).toHaveText(REFERENCE);
  return (await ref.innerText()).trim();
}

/** "You have done N of M tasks." as numbers. */
export async function readProgress(page: Page): Promise<{ done: number; total: number }> {
  const progress = page.locator('#plan-progress');
  await expect(progress).toHaveText(PROGRESS);
  const m = PROGRESS.exec((await progress.innerText()).trim());
  if (!m) throw new Error('unreachable: progress text checked above');
  return { done: Number(m[1]), total: Number(m[2]) };
}

/** Starts (or adds to) a plan for moving home with the given answers and a move date. */
export async function startMovingHomePlan(
  page: Page,
  answers: Record<string, string> = RENTER_WITH_CAR,
  date = dateInDays(40),
): Promise<{ reference: string; date: ReturnType<typeof dateInDays> }> {
  await page.goto(`/life-events/moving-home?${new URLSearchParams(answers)}`);
  await fillDate(page, date);
  await page
    .locator('form#start-plan')
    .getByRole('button', { name: /^(Start my plan|Add to my plan)$/ })
    .click();
  await expect(page).toHaveURL(PLAN_URL);
  await expect(page.getByRole('heading', { level: 1, name: 'Your plan' })).toBeVisible();
  return { reference: await readReference(page), date };
}

/** A task row on /plan, found by the name of its link. */
export function taskRow(page: Page, label: string): Locator {
  return page.locator('li[data-task]').filter({ has: page.getByRole('link', { name: label, exact: true }) });
}

/**
 * Ticks (or unticks) a task on /plan and checks the row and the progress
 * update. With JavaScript the page must update in place; without, the form
 * posts and the server sends the person back to /plan.
 */
export async function setTask(page: Page, label: string, done: boolean, javaScriptEnabled: boolean) {
  const row = taskRow(page, label);
  await expect(row).toHaveCount(1);
  const before = await readProgress(page);
  if (javaScriptEnabled) {
    await waitForIsland(page, 'li[data-task] form', 'submit');
    await markDocument(page);
  }
  await row.getByRole('button', { name: done ? /^Mark as done/ : /^Mark as not done/ }).click();
  await expect(row.locator('[data-status]')).toHaveText(done ? 'Done' : 'To do');
  await expect(row.getByRole('button', { name: done ? /^Mark as not done/ : /^Mark as done/ })).toBeVisible();
  const expected = before.done + (done ? 1 : -1);
  await expect(page.locator('#plan-progress')).toHaveText(`You have done ${expected} of ${before.total} tasks.`);
  if (javaScriptEnabled) {
    await expectSameDocument(page, `Marking "${label}" as ${done ? 'done' : 'not done'}`);
  } else {
    await expect(page).toHaveURL(PLAN_URL);
  }
}
