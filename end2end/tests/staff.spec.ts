/**
 * The contact-centre console at a desktop size (1280×720), driven from the
 * keyboard: an agent signs in, finds "skip" in two keystrokes after `/`,
 * opens a caller's plan by a reference typed in lower case with spaces,
 * ticks a task, offers a suggestion and records the outcome; the citizen
 * then sees the tick on their own device. Staff pages pass axe-core.
 *
 * Staff accounts are made with the real command line
 * (`doorstep staff add`), password on standard input, against the test
 * server's database.
 */
import AxeBuilder from '@axe-core/playwright';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test, expect, startMovingHomePlan, taskRow, waitForIsland, type Page } from './support';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const TASK = 'Tell council tax your moving date and new address';

test.use({ viewport: { width: 1280, height: 720 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });

/** Adds a staff account with the server's own command; returns its password. */
function addStaff(email: string, role: 'agent' | 'officer' | 'admin'): string {
  const dir = process.env.E2E_DB_DIR;
  if (!dir) throw new Error('E2E_DB_DIR is unset: these tests need the server the config starts');
  const password = `a long passphrase ${Math.random().toString(36).slice(2)}`;
  const run = spawnSync(join('..', 'target', 'release', 'doorstep'), ['staff', 'add', email, '--role', role], {
    cwd: '.',
    env: { ...process.env, DATABASE_URL: `sqlite://${join(dir, 'doorstep.db')}`, RUST_LOG: 'warn' },
    input: `${password}\n`,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`doorstep staff add ${email} failed: ${run.stderr}`);
  return password;
}

async function signIn(page: Page, email: string, password: string, next = '/staff') {
  await page.goto(next);
  await expect(page).toHaveURL(/\/staff\/login\?next=/);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(new RegExp(`${next.replace('?', '\\?')}$`));
}

/** Focuses a control and presses a key on it: no mouse involved. */
async function press(page: Page, target: ReturnType<Page['locator']>, key = 'Enter') {
  await target.focus();
  await expect(target).toBeFocused();
  await page.keyboard.press(key);
}

async function expectNoViolations(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.locator('details').evaluateAll((all: Element[]) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const report = results.violations
    .map((v) => `${v.id}: ${v.help}\n${v.nodes.map((n) => `  - ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`)
    .join('\n');
  expect(results.violations.length, `axe found violations on ${page.url()}:\n${report}`).toBe(0);
}

test('an agent helps a caller from the keyboard, and the citizen sees it', async ({ page, newDevice, javaScriptEnabled }, info) => {
  test.setTimeout(90_000);
  const email = `agent-${info.project.name}@fernhallow.example`;
  const password = addStaff(email, 'agent');

  const citizen = await newDevice();
  const { reference } = await startMovingHomePlan(citizen);
  await expect(taskRow(citizen, TASK).locator('[data-status]')).toHaveText('To do');

  await test.step('sign in; the search box has focus', async () => {
    await signIn(page, email, password);
    await expect(page.getByRole('searchbox', { name: 'Find a service or life event' })).toBeFocused();
  });

  await test.step('find "skip" in two keystrokes after /', async () => {
    const box = page.getByRole('searchbox', { name: 'Find a service or life event' });
    if (javaScriptEnabled) {
      await waitForIsland(page, '#staff-q', 'input');
      // The `/` shortcut listens on the document.
      await page.waitForFunction(() => ((document as unknown as { __e2eListeners?: string[] }).__e2eListeners ?? []).includes('keydown'));
      await page.getByRole('link', { name: 'Console' }).focus(); // anywhere but the box
      await page.keyboard.press('/');
      await expect(box).toBeFocused();
      await page.keyboard.type('sk');
    } else {
      await page.keyboard.type('sk');
      await page.keyboard.press('Enter');
    }
    const results = page.locator('#search-results');
    await expect(results.getByRole('heading', { name: /skip/i }).first()).toBeVisible();
    // What an agent reads out is right there.
    await expect(results).toContainText('Who can use it');
    await expect(results).toContainText('Cost');
  });

  await test.step('open the caller\'s plan by the reference as typed', async () => {
    const typed = reference.replace(/-/g, '').toLowerCase().replace(/(...)(...)(...)/, '$1 $2 $3');
    const box = page.getByRole('textbox', { name: 'Open a caller’s plan' });
    await box.focus();
    await page.keyboard.type(typed);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/staff\/plan\?ref=/);
    await expect(page.locator('#plan-reference')).toHaveText(reference);
  });

  await test.step('tick a task on the caller\'s behalf', async () => {
    await press(page, page.getByRole('button', { name: new RegExp(`^Mark as done\\W+${TASK}$`) }));
    await expect(page.getByRole('status')).toContainText('Task marked as done.');
    await expect(page.getByRole('button', { name: new RegExp(`^Mark as not done\\W+${TASK}$`) })).toBeVisible();
  });

  await test.step('offer what the engine suggests', async () => {
    const offers = page.locator('#offer-next');
    const first = offers.getByRole('listitem').first();
    await expect(first).toBeVisible();
    await press(page, first.getByRole('button', { name: /^Offered: taken up/ }));
    await expect(page.getByRole('status')).toContainText('Recorded: offered and taken up.');
    await expect(page.getByText(/offered .* \(taken up\)/)).toBeVisible();
  });

  await test.step('record the call\'s outcome', async () => {
    const form = page.locator('form#outcome');
    await form.getByLabel('What the caller wanted').focus();
    await form.getByLabel('What the caller wanted').selectOption('life_event:moving-home');
    await press(page, form.getByLabel('Updated their plan'), 'Space');
    await press(page, form.getByRole('radio', { name: 'Yes' }), 'Space');
    await press(page, form.getByRole('button', { name: 'Record outcome' }));
    await expect(page.getByRole('status')).toContainText('Outcome recorded.');
  });

  await test.step('the citizen sees the tick on their own device', async () => {
    await citizen.reload();
    await expect(taskRow(citizen, TASK).locator('[data-status]')).toHaveText('Done');
  });

  await test.step('the plan says who did it', async () => {
    await expect(page.getByText(/\(staff, on behalf of the citizen\) marked as done:/)).toBeVisible();
  });
});

test('staff pages pass axe-core', async ({ page }, info) => {
  test.skip(!info.project.use.javaScriptEnabled, 'axe runs as script in the page');
  test.setTimeout(90_000);
  const email = `admin-${info.project.name}@fernhallow.example`;
  const password = addStaff(email, 'admin');

  await page.goto('/staff/login');
  await expectNoViolations(page);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expectNoViolations(page); // the error summary

  await signIn(page, email, password);
  for (const path of ['/staff', '/staff?q=skip', '/staff/journey/moving-home', '/staff/account', '/staff/admin', '/staff/admin/audit']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeAttached();
    await expectNoViolations(page);
  }

  // A plan, as the agent sees it.
  await page.goto('/staff/journey/moving-home');
  await page.getByRole('button', { name: 'Create plan' }).click();
  await expect(page).toHaveURL(/\/staff\/plan\?ref=.*done=created/);
  await expectNoViolations(page);
});
