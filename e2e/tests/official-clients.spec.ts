// Logto's own clients, unchanged, against the emulator: if they work here, code written for real
// Logto works against the emulator too.
import { expect, test } from '@playwright/test';
import { PASSWORD } from './helpers';

test('@logto/browser signs in, gets an access token for the API and calls the backend', async ({ page }) => {
  await page.goto('http://localhost:8081/');
  await expect(page.locator('#result')).toHaveText('signed out');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/localhost:3001\/sign-in/);
  await page.getByLabel('Username or email').fill('alice');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#result')).toContainText('"status":200');
  const result = JSON.parse(await page.locator('#result').innerText());
  expect(result.user).toBe('alice');
  expect(result.users).toHaveLength(10);
  expect(result.users[0]).toBe('grace');
});

test('@logto/api lists, creates and searches users through the Management API', async () => {
  const { createManagementApi } = await import('@logto/api/management');
  const { apiClient } = createManagementApi('default', {
    clientId: 'm2m4backend0000000001',
    clientSecret: 'demo-backend-m2m-secret-0123456789',
    baseUrl: 'http://localhost:3001',
    apiIndicator: 'https://default.logto.app/api',
  });

  const listed = await apiClient.GET('/api/users', { params: { query: { page: 1, page_size: 100 } } });
  expect(listed.response.status).toBe(200);
  expect(listed.data!.length).toBeGreaterThanOrEqual(27);
  expect(listed.response.headers.get('total-number')).toBe(String(listed.data!.length));

  const username = `sdk${Date.now()}`;
  const created = await apiClient.POST('/api/users', { body: { username, name: 'Made by @logto/api', password: 'pw-123456' } });
  expect(created.response.status).toBe(200);
  expect(created.data!.id).toMatch(/^[0-9a-z]{12}$/);

  const found = await apiClient.GET('/api/users', { params: { query: { search: `%${username}%` } as any } });
  expect(found.data!.map((u) => u.id)).toEqual([created.data!.id]);

  const duplicate = await apiClient.POST('/api/users', { body: { username } });
  expect(duplicate.response.status).toBe(422);
  expect((duplicate.error as any).code).toBe('user.username_already_in_use');

  const removed = await apiClient.DELETE('/api/users/{userId}', { params: { path: { userId: created.data!.id } } });
  expect(removed.response.status).toBe(204);
});
