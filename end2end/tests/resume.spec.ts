/**
 * A plan has a reference so it can be continued on another device (or read
 * out over the phone): typed loosely, it still finds the same plan.
 */
import { test, expect, PLAN_URL, readProgress, setTask, startMovingHomePlan, taskRow } from './support';

const VOTE = 'Register to vote at your new address';
const BINS = 'Check your bin collection days';

test('continue a plan on another device with its reference, typed loosely', async ({ page, newDevice, javaScriptEnabled }) => {
  const { reference } = await startMovingHomePlan(page);
  await setTask(page, VOTE, true, javaScriptEnabled);
  const { total } = await readProgress(page);

  const phone = await newDevice();
  await test.step('a new device has no plan yet', async () => {
    await phone.goto('/plan');
    await expect(phone.getByRole('heading', { level: 1, name: 'Your plan' })).toBeVisible();
    await expect(phone.locator('#plan-reference')).toHaveCount(0);
  });

  await test.step('type the reference in lower case with spaces', async () => {
    const typed = reference.toLowerCase().replace(/-/g, ' ');
    await phone.getByLabel('Continue a plan', { exact: true }).fill(typed);
    await phone.getByRole('button', { name: 'Continue my plan' }).click();
    await expect(phone).toHaveURL(PLAN_URL);
  });

  await test.step('it is the same plan, with the same tick', async () => {
    await expect(phone.locator('#plan-reference')).toHaveText(reference);
    await expect(taskRow(phone, VOTE).locator('[data-status]')).toHaveText('Done');
    await expect(phone.locator('#plan-progress')).toHaveText(`You have done 1 of ${total} tasks.`);
  });

  await test.step('the new device remembers the plan', async () => {
    await phone.goto('/plan');
    await expect(phone.locator('#plan-reference')).toHaveText(reference);
  });

  await test.step('a tick on one device shows on the other', async () => {
    await setTask(phone, BINS, true, javaScriptEnabled);
    await page.reload();
    await expect(taskRow(page, BINS).locator('[data-status]')).toHaveText('Done');
    await expect(page.locator('#plan-progress')).toHaveText(`You have done 2 of ${total} tasks.`);
  });
});

test('a malformed reference is explained in an error summary', async ({ page }) => {
  await page.goto('/plan');
  const field = page.getByLabel('Continue a plan', { exact: true });
  await field.fill('K7Q-4MZ');
  await page.getByRole('button', { name: 'Continue my plan' }).click();

  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await expect(summary).toBeVisible();
  // The summary links to the field at fault, which shows the same message.
  const link = summary.getByRole('link');
  await expect(link).toHaveAttribute('href', '#reference');
  await expect(page.locator('#reference-error')).toBeVisible();
  await expect(page.locator('#reference-error')).toContainText((await link.innerText()).trim());
  // What was typed is kept, so it can be corrected.
  await expect(page.getByLabel('Continue a plan', { exact: true })).toHaveValue('K7Q-4MZ');
  await expect(page.locator('#plan-reference')).toHaveCount(0);
});
