import { expect, Page } from '@playwright/test';

export const PASSWORD = 'demo-password';
export const EMULATOR = 'http://127.0.0.1:3001';
export const SPA_APP_ID = 'spa4topusers000000001';
export const API_RESOURCE = 'https://api.example.com';
export const ORGANIZATIONS_RESOURCE = 'urn:logto:resource:organizations';
export const ACME = 'acmeorg00001';
export const GLOBEX = 'globex000001';
// What the SPA asks for at sign-in (frontend/src/config.rs), organizations included.
const SCOPES = [
  'openid', 'offline_access', 'profile', 'email', 'read:top-users', 'write:follows', 'read:members', 'manage:members',
  'urn:logto:scope:organizations', 'urn:logto:scope:organization_roles',
];

/** Signs in through the app's button and the emulator's sign-in page, as a person does. */
export async function signIn(page: Page, username: string) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/localhost:3001\/sign-in/);
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL('http://localhost:8080/top-users');
}

/** A call to the emulator's control API (`/_emulator`). */
export async function control(path: string, body?: unknown, method = 'POST'): Promise<any> {
  const r = await fetch(`${EMULATOR}/_emulator${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!r.ok) throw new Error(`${method} /_emulator${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json().catch(() => null);
}

/**
 * Starts signed in without the sign-in page, for tests that are not about signing in: the emulator
 * makes a real grant (ID and refresh tokens), which goes where the SPA keeps its session.
 * Returns the user's id.
 */
export async function signInWithoutUi(page: Page, username: string, path = '/top-users'): Promise<string> {
  const session = await control('/sessions', {
    clientId: SPA_APP_ID, username, scopes: SCOPES, resources: [API_RESOURCE, ORGANIZATIONS_RESOURCE],
  });
  await page.goto('/');
  await page.evaluate(({ appId, session }) => {
    sessionStorage.setItem(`logto:${appId}:sessionId`, `e2e-${crypto.randomUUID()}`);
    sessionStorage.setItem(`logto:${appId}:idToken`, session.idToken);
    sessionStorage.setItem(`logto:${appId}:refreshToken`, session.refreshToken);
  }, { appId: SPA_APP_ID, session });
  await page.goto(path);
  return session.userId;
}

/** Sets the access-token lifetime of the API resource, through the Management API as an admin would. */
export async function setTokenLifetime(seconds: number) {
  const { access_token } = await control('/tokens', {
    clientId: 'm2m4backend0000000001', resource: 'https://default.logto.app/api', scopes: ['all'],
  });
  const auth = { authorization: `Bearer ${access_token}` };
  const resources: any[] = await (await fetch(`${EMULATOR}/api/resources`, { headers: auth })).json();
  const api = resources.find((r) => r.indicator === API_RESOURCE);
  const r = await fetch(`${EMULATOR}/api/resources/${api.id}`, {
    method: 'PATCH',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ accessTokenTtl: seconds }),
  });
  expect(r.status).toBe(200);
}

/** The token-endpoint requests the emulator answered since the log was last cleared. */
export async function tokenRequests(): Promise<{ status: number }[]> {
  const log: any[] = await control('/requests', undefined, 'GET');
  return log.filter((r) => r.method === 'POST' && r.path === '/oidc/token');
}

export async function clearRequestLog() {
  await control('/requests', undefined, 'DELETE');
}

/** Stops or starts the real backend (e2e/support/backend.mjs). */
export async function backend(action: 'stop' | 'start') {
  const r = await fetch(`http://127.0.0.1:3099/${action}`, { method: 'POST' });
  expect(r.status).toBe(204);
  if (action === 'start') {
    await expect.poll(() => fetch('http://127.0.0.1:3000/healthz').then((r) => r.status).catch(() => 0)).toBe(200);
  }
}

/** The newest email the emulator's outbox holds for `to` (Logto's email connector's stand-in). */
export async function lastEmail(to: string): Promise<any> {
  const messages: any[] = await (await fetch(`${EMULATOR}/_emulator/outbox?to=${encodeURIComponent(to)}`)).json();
  return messages[0];
}
