/**
 * The core journey, once with JavaScript and once without (the "js" and
 * "nojs" projects): from the front door to the moving-home steps,
 * personalised by the triage questions, to a plan with a ticked task that is
 * still ticked after a reload.
 */
import { test, expect, dateInDays, expectSameDocument, fillDate, markDocument, PLAN_URL, readProgress, readReference, setTask, taskRow, waitForIsland } from './support';

const TENURE = 'Will you rent or own your new home?';
const CAR = 'Do you have a car or other vehicle?';
const CHILDREN = 'Do you have children of school age?';
const MOVING = 'Are you moving into Fernhallow, or within it?';

const DEPOSIT = 'Check your landlord has protected your deposit'; // renters only
const PARKING = "Apply for a residents' parking permit if your street has a zone"; // people with a car
const SCHOOL = 'Apply for a school place'; // school-age children
const GP = 'Register with a GP near your new home'; // moving into the area
const COUNCIL_TAX = 'Tell council tax your moving date and new address'; // everyone

test('moving home: from the front door to a ticked plan that persists', async ({ page, javaScriptEnabled }) => {
  await test.step('choose "Moving home" on the front door', async () => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: 'What is happening in your life?' })).toBeVisible();
    await page.getByRole('link', { name: 'Moving home', exact: true }).click();
    await expect(page).toHaveURL(/\/life-events\/moving-home$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Moving home' })).toBeVisible();
  });

  const triage = page.locator('form#triage');
  const answer = (question: string, option: string) =>
    triage.getByRole('group', { name: question }).getByRole('radio', { name: option, exact: true });
  // Tasks that do not apply are in the page but `hidden`.
  const step = (text: string) => page.locator('#steps li:not([data-step])').filter({ hasText: text });

  await test.step('every task shows before any question is answered', async () => {
    for (const t of [DEPOSIT, PARKING, SCHOOL, GP, COUNCIL_TAX]) await expect(step(t)).toBeVisible();
  });

  if (javaScriptEnabled) {
    await test.step('answers personalise the steps at once, without loading a page', async () => {
      await waitForIsland(page, '#triage', 'change');
      await markDocument(page);

      await answer(TENURE, 'Own or buying').check();
      await expect(step(DEPOSIT)).toBeHidden();
      await expect(step(DEPOSIT)).toHaveAttribute('hidden', '');
      await expect(page).toHaveURL(/[?&]tenure=own(&|$)/);

      await answer(TENURE, 'Rent').check();
      await expect(step(DEPOSIT)).toBeVisible();

      await answer(CAR, 'No').check();
      await expect(step(PARKING)).toBeHidden();
      await answer(CAR, 'Yes').check();
      await expect(step(PARKING)).toBeVisible();

      await answer(CHILDREN, 'No').check();
      await expect(step(SCHOOL)).toBeHidden();
      await answer(MOVING, 'Moving into Fernhallow from somewhere else').check();

      await expect(page.locator('#steps-status')).toHaveText(/^Steps updated: \d+ steps apply to you\.$/);
      await expect(page).toHaveURL(/\/life-events\/moving-home\?/);
      for (const kv of ['tenure=rent', 'car=yes', 'children=no', 'moving=into']) {
        expect(new URL(page.url()).search).toContain(kv);
      }
      await expectSameDocument(page, 'Answering the triage questions');
    });
  } else {
    await test.step('"Show my steps" personalises the steps', async () => {
      await answer(TENURE, 'Own or buying').check();
      await triage.getByRole('button', { name: 'Show my steps' }).click();
      await expect(page).toHaveURL(/\/life-events\/moving-home\?.*tenure=own/);
      await expect(step(DEPOSIT)).toBeHidden();
      await expect(step(DEPOSIT)).toHaveAttribute('hidden', '');
      // The answer is shown again, checked.
      await expect(answer(TENURE, 'Own or buying')).toBeChecked();

      await answer(TENURE, 'Rent').check();
      await answer(CAR, 'Yes').check();
      await answer(CHILDREN, 'No').check();
      await answer(MOVING, 'Moving into Fernhallow from somewhere else').check();
      await triage.getByRole('button', { name: 'Show my steps' }).click();
      for (const kv of ['tenure=rent', 'car=yes', 'children=no', 'moving=into']) {
        await expect(page).toHaveURL(new RegExp(`[?&]${kv}(&|$)`));
      }
    });
  }

  await test.step('the steps match the answers', async () => {
    for (const t of [DEPOSIT, PARKING, GP, COUNCIL_TAX]) await expect(step(t)).toBeVisible();
    await expect(step(SCHOOL)).toBeHidden();
  });

  const date = dateInDays(45);
  await test.step('start a plan with the date of the move', async () => {
    await fillDate(page, date);
    await page.locator('form#start-plan').getByRole('button', { name: 'Start my plan' }).click();
    await expect(page).toHaveURL(PLAN_URL);
    await expect(page.getByRole('heading', { level: 1, name: 'Your plan' })).toBeVisible();
  });

  const reference = await readReference(page);
  const { done, total } = await readProgress(page);

  await test.step('the plan is personalised and dated', async () => {
    expect(done).toBe(0);
    expect(total).toBeGreaterThan(0);
    await expect(page.locator('p', { hasText: `Date of your move: ${date.long}` })).toBeVisible();
    await expect(taskRow(page, DEPOSIT)).toHaveCount(1);
    await expect(taskRow(page, PARKING)).toHaveCount(1);
    await expect(taskRow(page, SCHOOL)).toHaveCount(0);
    await expect(taskRow(page, COUNCIL_TAX).locator('[data-status]')).toHaveText('To do');
  });

  await test.step('tick a task, untick it, tick it again', async () => {
    await setTask(page, COUNCIL_TAX, true, javaScriptEnabled);
    await setTask(page, COUNCIL_TAX, false, javaScriptEnabled);
    await setTask(page, COUNCIL_TAX, true, javaScriptEnabled);
  });

  await test.step('the tick is still there after a reload', async () => {
    await page.reload();
    await expect(page.locator('#plan-reference')).toHaveText(reference);
    await expect(taskRow(page, COUNCIL_TAX).locator('[data-status]')).toHaveText('Done');
    await expect(page.locator('#plan-progress')).toHaveText(`You have done 1 of ${total} tasks.`);
  });

  await test.step('the life event now offers to add to the plan', async () => {
    await page.goto('/life-events/moving-home');
    await expect(page.locator('form#start-plan').getByRole('button', { name: 'Add to my plan' })).toBeVisible();
  });
});
