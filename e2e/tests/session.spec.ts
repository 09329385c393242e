// The client's token rules in a real browser: refresh before expiry, one refresh across tabs, a retry
// after a 401, the end of a session, and the backend going away and coming back.
import { expect, test } from '@playwright/test';
import { backend, clearRequestLog, control, setTokenLifetime, signIn, signInWithoutUi, tokenRequests } from './helpers';

test.afterEach(async () => {
  await setTokenLifetime(3600);
});

test('a short-lived access token is refreshed before it expires, and the page stays signed in', async ({ page }) => {
  await setTokenLifetime(4);
  await signInWithoutUi(page, 'alice');
  await expect(page.getByTestId('top-user')).toHaveCount(10);
  await clearRequestLog();
  // Each 4-second token is replaced at 80% of its life, without the page asking.
  await expect.poll(async () => (await tokenRequests()).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  expect((await tokenRequests()).every((r) => r.status === 200)).toBe(true);
  await page.getByRole('button', { name: 'Reload the list' }).click();
  await expect(page.getByTestId('top-user')).toHaveCount(10);
  await expect(page.getByTestId('signed-in-user')).toBeVisible();
});

test('two tabs of one session refresh together and both stay signed in', async ({ page, context }) => {
  await setTokenLifetime(4);
  await signInWithoutUi(page, 'alice');
  await expect(page.getByTestId('top-user')).toHaveCount(10);
  // window.open gives the new tab a copy of this tab's sessionStorage: the same refresh token.
  const [second] = await Promise.all([context.waitForEvent('page'), page.evaluate(() => window.open('/top-users'))]);
  await expect(second.getByTestId('top-user')).toHaveCount(10);
  await clearRequestLog();
  // Several rotations; had a tab used a spent refresh token, Logto would have revoked the grant.
  await expect.poll(async () => (await tokenRequests()).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
  expect((await tokenRequests()).map((r) => r.status)).not.toContain(400);
  await expect(page.getByTestId('signed-out-message')).toHaveCount(0);
  for (const tab of [page, second]) {
    await tab.getByRole('button', { name: 'Reload the list' }).click();
    await expect(tab.getByTestId('top-user')).toHaveCount(10);
    await expect(tab.getByTestId('signed-in-user')).toBeVisible();
  }
  // Signing out in one tab signs the other out too.
  await second.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByTestId('signed-out-message')).toContainText('another tab');
});

test('an access token the backend refuses (401) is refreshed and the request sent once more', async ({ page }) => {
  await setTokenLifetime(4);
  // The page's clock stands still, so it believes its token fresh long after the backend does not.
  await page.clock.setFixedTime(new Date());
  await signInWithoutUi(page, 'alice');
  await expect(page.getByTestId('top-user')).toHaveCount(10);
  await page.waitForTimeout(6_000); // 4 s lifetime + 1 s of skew allowed by the backend
  await page.getByRole('button', { name: 'Reload the list' }).click();
  await expect(page.getByTestId('top-user')).toHaveCount(10);
  await page.getByRole('link', { name: 'Sequence' }).click();
  await expect(page.locator('[data-testid=hop-item][data-hop=request]')).toContainText('sent again after a 401');
});

test('a revoked grant (invalid_grant) leaves a clean signed-out state with a message', async ({ page }) => {
  const userId = await signInWithoutUi(page, 'alice');
  await expect(page.getByTestId('top-user')).toHaveCount(10);
  await control('/grants/revoke', { userId });
  await page.reload(); // the access token was in memory only: the next request needs a refresh
  await expect(page.getByTestId('signed-out-message')).toContainText('Your session has ended');
  await expect(page.getByRole('button', { name: 'Sign in' }).first()).toBeVisible();
  await expect(page.getByTestId('sign-in-prompt')).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
});

test('with the backend down the page says so, and recovers when it is back', async ({ page }) => {
  await signInWithoutUi(page, 'alice');
  await expect(page.getByTestId('top-user')).toHaveCount(10);
  await backend('stop');
  try {
    await page.getByRole('button', { name: 'Reload the list' }).click();
    await expect(page.getByTestId('top-users-error')).toContainText('cannot be reached');
  } finally {
    await backend('start');
  }
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByTestId('top-user')).toHaveCount(10);
  await expect(page.getByTestId('signed-in-user')).toBeVisible();
});

test('a tab opened by typing the address signs in without a password while Logto\'s session lives', async ({ page, context }) => {
  await signIn(page, 'alice');
  await expect(page.getByTestId('top-user')).toHaveCount(10);
  // A new tab starts signed out (tokens live in the first tab's sessionStorage), but Logto's `_session`
  // cookie makes its sign-in a redirect straight back, with no sign-in page.
  const second = await context.newPage();
  await second.goto('/');
  await second.getByRole('button', { name: 'Sign in' }).click();
  await expect(second).toHaveURL('http://localhost:8080/top-users');
  await expect(second.getByTestId('top-user')).toHaveCount(10);
  // Signing out ends Logto's session: the next sign-in asks for the password again.
  await second.getByRole('button', { name: 'Sign out' }).click();
  await expect(second).toHaveURL('http://localhost:8080/');
  await second.getByRole('button', { name: 'Sign in' }).click();
  await expect(second).toHaveURL(/localhost:3001\/sign-in/);
});
