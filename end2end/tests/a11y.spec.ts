/**
 * Every kind of page passes axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules,
 * including the plan, form errors and the 404 page. Runs in the "js"
 * project only (axe runs as script in the page), after the islands have
 * loaded, with every <details> opened so its contents are checked too.
 */
import AxeBuilder from '@axe-core/playwright';
import { test, expect, startMovingHomePlan, setTask, fillDate, type Page } from './support';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function expectNoViolations(page: Page) {
  // Let the WASM load and the islands hydrate, then open disclosures.
  await page.waitForLoadState('networkidle');
  await page.locator('details').evaluateAll((all: Element[]) => all.forEach((d: Element) => ((d as HTMLDetailsElement).open = true)));
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const report = results.violations
    .map(
      (v) =>
        `${v.id} [${v.impact ?? 'unknown'}] ${v.help}\n  ${v.helpUrl}\n` +
        v.nodes
          .map((n) => `  - ${n.target.join(' ')}\n      ${n.html}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
          .join('\n'),
    )
    .join('\n\n');
  if (results.violations.length > 0) {
    await test.info().attach('axe violations', { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' });
  }
  expect(results.violations.length, `axe found violations on ${page.url()}:\n\n${report}`).toBe(0);
}

const PAGES: { name: string; path: string; status?: number; heading?: string }[] = [
  { name: 'the front door', path: '/', heading: 'What is happening in your life?' },
  { name: 'a life event', path: '/life-events/moving-home', heading: 'Moving home' },
  { name: 'a personalised life event', path: '/life-events/moving-home?tenure=own&car=no&children=yes&moving=within', heading: 'Moving home' },
  { name: 'another life event', path: '/life-events/having-a-baby' },
  { name: 'a council service', path: '/services/skip-permit', heading: 'Skip permit' },
  { name: 'a partner service', path: '/services/skip-hire' },
  { name: 'search results', path: '/search?q=skip', heading: 'Search' },
  { name: 'an empty search', path: '/search', heading: 'Search' },
  { name: 'a search with no results', path: '/search?q=zzqxj', heading: 'Search' },
  { name: 'the plan page without a plan', path: '/plan', heading: 'Your plan' },
  { name: 'page not found', path: '/no-such-page', status: 404, heading: 'Page not found' },
  { name: 'an unknown service', path: '/services/no-such-service', status: 404, heading: 'Page not found' },
];

for (const p of PAGES) {
  test(`${p.name} (${p.path}) has no WCAG 2.2 AA violations`, async ({ page }) => {
    const response = await page.goto(p.path);
    expect(response?.status()).toBe(p.status ?? 200);
    if (p.heading) await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
    await expectNoViolations(page);
  });
}

test('the plan page with a plan has no WCAG 2.2 AA violations', async ({ page }) => {
  await startMovingHomePlan(page);
  await setTask(page, 'Register to vote at your new address', true, true);
  await page.reload();
  await expectNoViolations(page);
});

test('the plan page with a form error has no WCAG 2.2 AA violations', async ({ page }) => {
  await page.goto('/plan');
  await page.getByLabel('Continue a plan', { exact: true }).fill('not a reference!');
  await page.getByRole('button', { name: 'Continue my plan' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'There is a problem' })).toBeVisible();
  await expectNoViolations(page);
});

test('a life event with a date error has no WCAG 2.2 AA violations', async ({ page }) => {
  await page.goto('/life-events/moving-home?tenure=rent');
  await fillDate(page, { day: '31', month: '2', year: '2027' });
  await page.locator('form#start-plan').getByRole('button', { name: 'Start my plan' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'There is a problem' })).toBeVisible();
  await expectNoViolations(page);
});
