import { expect, Page } from '@playwright/test';

export const PASSWORD = 'demo-password';

/** Signs in through the app's button and the emulator's sign-in page, as a person does. */
export async function signIn(page: Page, username: string) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/localhost:3001\/sign-in/);
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL('http://localhost:8080/');
}
