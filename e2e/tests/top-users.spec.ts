import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test('a user signs in through Logto and sees the ten most-followed users', async ({ page }) => {
  await signIn(page, 'alice');
  await expect(page.getByTestId('signed-in-user')).toContainText('Alice Example');

  const rows = page.getByTestId('top-user');
  await expect(rows).toHaveCount(10);
  // Enriched from the Management API: names, and the demo data's order by followers.
  await expect(rows.first()).toContainText('Grace Example');
  await expect(rows.first()).toContainText('@grace');
  const followers = (await page.getByTestId('followers').allInnerTexts()).map((t) => parseInt(t, 10));
  expect(followers[0]).toBe(24);
  for (let i = 1; i < followers.length; i++) expect(followers[i]).toBeLessThan(followers[i - 1]);
  for (const name of await rows.locator('.name').allInnerTexts()) expect(name).toMatch(/ Example$/);

  // Tokens stay out of localStorage; the session lives in this tab only.
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
  expect(await page.evaluate(() => Object.keys(sessionStorage).some((k) => k.endsWith(':refreshToken')))).toBe(true);
});

test('a user without the role is told why the list is refused', async ({ page }) => {
  await signIn(page, 'bob');
  const error = page.getByTestId('top-users-error');
  await expect(error).toContainText('read:top-users');
  await expect(page.getByTestId('top-user')).toHaveCount(0);
});

test('signing out goes through Logto and forgets the tokens', async ({ page }) => {
  await signIn(page, 'alice');
  await expect(page.getByTestId('top-user')).toHaveCount(10);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL('http://localhost:8080/');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
});

test('a reload keeps the session and loads the list again', async ({ page }) => {
  await signIn(page, 'alice');
  await expect(page.getByTestId('top-user')).toHaveCount(10);
  await page.reload();
  await expect(page.getByTestId('top-user')).toHaveCount(10);
});

test('a wrong password is refused on the sign-in page', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Username or email').fill('alice');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Invalid username or password');
});

test('the emulator\'s "pick a user" list signs a person in with one click', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: /Dave Example/ }).click();
  await expect(page.getByTestId('signed-in-user')).toContainText('Dave Example');
  await expect(page.getByTestId('top-user')).toHaveCount(10);
});
