// axe-core's WCAG 2 A/AA rules (labels, names, contrast, landmarks, ARIA) on every page, signed out
// and signed in.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { signInWithoutUi } from './helpers';

async function violations(page: import('@playwright/test').Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

test('pages pass axe-core signed out', async ({ page }) => {
  for (const path of ['/', '/top-users', '/organizations/acmeorg00001/top-users']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(await violations(page), path).toEqual([]);
  }
});

test('pages pass axe-core signed in', async ({ page }) => {
  for (const [path, ready] of [['/top-users', 'follow'], ['/profile', 'access-token-claims'], ['/sequence', 'no-trace']]) {
    await signInWithoutUi(page, 'alice', path);
    await expect(page.getByTestId(ready).first()).toBeVisible();
    expect(await violations(page), path).toEqual([]);
  }
  await page.getByRole('button', { name: /Send GET/ }).click();
  await expect(page.getByTestId('sequence-diagram')).toBeVisible();
  expect(await violations(page), '/sequence with a diagram').toEqual([]);
});
