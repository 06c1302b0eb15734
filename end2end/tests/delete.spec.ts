/**
 * Deleting a plan: it is gone from this device and its reference no longer
 * opens it anywhere.
 */
import { test, expect, PLAN_URL, startMovingHomePlan } from './support';

test('deleting a plan returns to /plan and forgets it', async ({ page, newDevice }) => {
  const { reference } = await startMovingHomePlan(page);

  await test.step('delete the plan', async () => {
    await page.locator('summary', { hasText: 'Delete this plan' }).click();
    await page.getByRole('button', { name: 'Delete my plan' }).click();
    await expect(page).toHaveURL(PLAN_URL);
    await expect(page.getByRole('status').filter({ hasText: 'Your plan has been deleted.' })).toBeVisible();
    await expect(page.locator('#plan-reference')).toHaveCount(0);
    await expect(page.getByLabel('Continue a plan', { exact: true })).toBeVisible();
  });

  await test.step('coming back later there is no plan', async () => {
    await page.goto('/plan');
    await expect(page.getByRole('heading', { level: 1, name: 'Your plan' })).toBeVisible();
    await expect(page.locator('#plan-reference')).toHaveCount(0);
    await expect(page.getByText('Your plan has been deleted.')).toHaveCount(0);
    await page.goto('/life-events/moving-home');
    await expect(page.locator('form#start-plan').getByRole('button', { name: 'Start my plan' })).toBeVisible();
  });

  await test.step('the reference no longer opens the plan on another device', async () => {
    const other = await newDevice();
    await other.goto('/plan');
    await other.getByLabel('Continue a plan', { exact: true }).fill(reference);
    await other.getByRole('button', { name: 'Continue my plan' }).click();
    await expect(other.getByRole('alert').filter({ hasText: 'There is a problem' })).toBeVisible();
    await expect(other.locator('#plan-reference')).toHaveCount(0);
  });
});
