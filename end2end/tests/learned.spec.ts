/**
 * Connecting the dots from what people do: citizens who accept analytics
 * cookies and use two services in one visit teach the suggestion engine,
 * and once five of them have, the next citizen is offered the second
 * service on the first one's page, with a reason, and can take it.
 *
 * The two projects share one database, so each teaches its own pair of
 * services that the catalogue does not link.
 */
import { test, expect, type Page } from './support';

const PAIRS = {
  js: { from: 'disabled-bus-pass', fromName: "Older or disabled person's bus pass", to: 'pension-credit', toName: 'Pension Credit' },
  nojs: { from: 'lasting-power-of-attorney', fromName: 'Make a lasting power of attorney', to: 'blue-badge', toName: 'Apply for a Blue Badge' },
};
const BACKGROUND = 'bin-collection-days';

/** A new visitor who opens `first`, accepts analytics cookies, then opens the rest. */
async function visit(page: Page, first: string, ...rest: string[]) {
  await page.goto(`/services/${first}`);
  await page.getByRole('button', { name: 'Accept analytics cookies' }).click();
  await expect(page).toHaveURL(new RegExp(`/services/${first}$`));
  await expect(page.getByRole('region', { name: 'Cookies on this service' })).toHaveCount(0);
  for (const slug of rest) {
    await page.goto(`/services/${slug}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  await page.context().close();
}

test('five journeys through the pages make a learned suggestion for the next citizen', async ({ page, newDevice, javaScriptEnabled }) => {
  test.setTimeout(120_000);
  const pair = javaScriptEnabled ? PAIRS.js : PAIRS.nojs;
  const related = page.getByRole('complementary', { name: /also need$/ });
  const offer = related.getByRole('link', { name: pair.toName, exact: true });

  await test.step('at first the catalogue does not link the two', async () => {
    await page.goto(`/services/${pair.from}`);
    await expect(page.getByRole('heading', { level: 1, name: pair.fromName })).toBeVisible();
    await expect(offer).toHaveCount(0);
  });

  await test.step('other visitors use other services', async () => {
    for (let i = 0; i < 10; i++) await visit(await newDevice(), BACKGROUND);
  });

  await test.step('four visitors need both: not enough to suggest anything', async () => {
    for (let i = 0; i < 4; i++) await visit(await newDevice(), pair.from, pair.to);
    await page.waitForTimeout(1_000); // recording is in the background
    await page.reload();
    await expect(offer).toHaveCount(0);
  });

  await test.step('the fifth visitor tips it', async () => {
    await visit(await newDevice(), pair.from, pair.to);
    await expect(async () => {
      await page.reload();
      await expect(offer).toBeVisible({ timeout: 500 });
    }).toPass({ timeout: 10_000 });
    const item = related.getByRole('listitem').filter({ has: page.getByRole('link', { name: pair.toName, exact: true }) });
    await expect(item).toContainText(`Often needed by people who also need “${pair.fromName}”`);
  });

  await test.step('the next citizen takes the suggestion', async () => {
    await offer.click();
    await expect(page).toHaveURL(new RegExp(`/services/${pair.to}\\?from=suggestion$`));
    await expect(page.getByRole('heading', { level: 1, name: pair.toName })).toBeVisible();
  });
});
