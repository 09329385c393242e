import { expect, test } from '@playwright/test';
import { signInWithoutUi } from './helpers';

test('the sequence view draws every hop of the last request', async ({ page }) => {
  await signInWithoutUi(page, 'alice', '/sequence');
  await expect(page.getByTestId('no-trace')).toBeVisible();
  await page.getByRole('button', { name: /Send GET \/api\/top-users/ }).click();
  const diagram = page.getByTestId('sequence-diagram');
  await expect(diagram).toBeVisible();
  // The first request of a session refreshes: SPA → Logto → SPA → backend → DB → Logto → Management API → SPA.
  const hops = await diagram.getByTestId('hop').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-hop')));
  expect(hops).toEqual(['token', 'token-response', 'request', 'verify', 'db', 'm2m-token', 'management-api', 'response']);
  await expect(page.locator('[data-testid=hop-item][data-hop=response]')).toContainText('HTTP 200');
  await expect(page.locator('[data-testid=hop-item][data-hop=db]')).toContainText(/\d+\.\d ms/);
  await page.screenshot({ path: 'test-results/sequence-cold.png', fullPage: true });

  // The same request again: the token comes from memory and the backend's caches answer.
  await page.getByRole('button', { name: /Send GET \/api\/top-users/ }).click();
  await expect(page.locator('[data-testid=hop-item][data-hop=token]')).toContainText('from memory');
  await expect(page.locator('[data-testid=hop-item][data-hop=verify]')).toContainText('cache hit');
  await expect(diagram.locator('g.hop.cached').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/sequence.png', fullPage: true });
});
