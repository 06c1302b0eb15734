/**
 * Search finds services and life events from everyday words, tolerates
 * typos, works without JavaScript and, with it, updates as you type.
 */
import { test, expect, expectSameDocument, markDocument, waitForIsland, type Page } from './support';

/** The results list that is showing (the live-search island hides the server's copy). */
const results = (page: Page) => page.locator('ul.ds-results').filter({ visible: true });
/** Text shown on screen (not the copy announced by a visually hidden live region). */
const visibleText = (page: Page, text: string | RegExp) =>
  page
    .getByText(text)
    .filter({ visible: true })
    .and(page.locator(':not(.ds-visually-hidden, .ds-visually-hidden *)'));

test('finds skip services from "skip"', async ({ page }) => {
  await page.goto('/search?q=skip');
  await expect(page.getByRole('heading', { level: 1, name: 'Search' })).toBeVisible();
  await expect(page.getByRole('searchbox', { name: 'Search for a service or life event' })).toHaveValue('skip');
  await expect(results(page).getByRole('link', { name: /skip/i }).first()).toBeVisible();
  await expect(results(page).getByRole('link', { name: 'Skip permit' })).toBeVisible();
});

test('tolerates a typo: "counsil tax" finds council tax', async ({ page }) => {
  await page.goto('/search?q=counsil%20tax');
  await expect(results(page).getByRole('link', { name: /council tax/i }).first()).toBeVisible();
});

test('searching from the front door', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Search for a service', { exact: true }).fill('bins');
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/search\?q=bins$/);
  await expect(results(page).getByRole('link', { name: 'Find your bin collection day' })).toBeVisible();
});

test('an empty search says what to type', async ({ page }) => {
  await page.goto('/search');
  await expect(visibleText(page, /Type what you need help with/)).toBeVisible();
  await expect(results(page)).toHaveCount(0);
  await page.goto('/search?q=');
  await expect(visibleText(page, /Type what you need help with/)).toBeVisible();
});

test('a nonsense search says there are no results and what to try', async ({ page }) => {
  await page.goto('/search?q=zzqxj%20wvkpt');
  await expect(visibleText(page, /There are no results for .zzqxj wvkpt./)).toBeVisible();
  await expect(visibleText(page, /check the spelling/)).toBeVisible();
  await expect(results(page)).toHaveCount(0);
});

test('with JavaScript, results update as you type without loading a page', async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'live search needs JavaScript');
  await page.goto('/search');
  await waitForIsland(page, '#search-q', 'input');
  await markDocument(page);
  const box = page.getByRole('searchbox', { name: 'Search for a service or life event' });

  await box.fill('skip');
  await expect(results(page).getByRole('link', { name: 'Skip permit' })).toBeVisible();
  await expect(page).toHaveURL(/\/search\?q=skip$/);

  await box.fill('counsil tax');
  await expect(results(page).getByRole('link', { name: /council tax/i }).first()).toBeVisible();
  await expect(results(page).getByRole('link', { name: 'Skip permit' })).toHaveCount(0);
  await expect(page).toHaveURL(/\/search\?q=counsil(%20|\+)tax$/);

  await box.fill('zzqxj');
  await expect(visibleText(page, /There are no results/)).toBeVisible();

  await box.fill('');
  await expect(visibleText(page, /Type what you need help with/)).toBeVisible();

  await expectSameDocument(page, 'Typing into the search box');
});
