// The emulator's console (issue 28), driven as a developer drives it: rename a user and watch the
// app's list follow through the webhook; read an invitation in the outbox and follow its link; revoke
// a session and watch the app sign out at its next refresh; decode a token; keyboard only; axe-core on
// every page; 360 px wide.
import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';
import { ACME, control, EMULATOR, signInWithoutUi } from './helpers';

const CONSOLE = 'http://localhost:3001/_emulator/console';

async function violations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** The Management API, as an admin tool calls it. */
async function api(method: string, path: string, body?: unknown): Promise<any> {
  const admin = await control('/tokens', { clientId: 'm2m4backend0000000001', resource: 'https://default.logto.app/api', scopes: ['all'] });
  const r = await fetch(`${EMULATOR}/api${path}`, {
    method, headers: { authorization: `Bearer ${admin.access_token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return r.status === 204 ? null : r.json();
}

/** Opens a user's console page from the user list's search, as a person does. */
async function openUser(page: Page, search: string, name: string) {
  await page.goto(`${CONSOLE}/users`);
  await page.getByLabel(/Search users/).fill(search);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`User ${name}`);
}

test('a rename in the console reaches the app through the webhook', async ({ page, browser }) => {
  const hook = await control('/hooks', {
    name: 'backend',
    events: ['User.Created', 'User.Data.Updated', 'User.SuspensionStatus.Updated', 'User.Deleted',
      'Organization.Membership.Updated', 'Organization.Deleted'],
    url: 'http://127.0.0.1:3000/api/webhooks/logto', signingKey: 'e2e-webhook-signing-key-00000000',
  });
  const delivered = async (n: number) => {
    await expect.poll(async () => (await api('GET', `/hooks/${hook.id}/recent-logs`)).length).toBeGreaterThanOrEqual(n);
  };
  const before = (await api('GET', `/hooks/${hook.id}/recent-logs`)).length;
  const [grace] = await api('GET', '/users?search.username=grace&mode.username=exact');
  await signInWithoutUi(page, 'alice');
  await expect(page.getByTestId('top-user').first()).toContainText('Grace Example');

  const console = await (await browser.newContext()).newPage();
  try {
    await openUser(console, 'grace', 'Grace Example');
    await console.getByLabel('Name', { exact: true }).fill('Grace From The Console');
    await console.getByRole('button', { name: 'Save' }).click();
    await expect(console.getByRole('status').first()).toHaveText('Saved.');
    await delivered(before + 1);
    await page.getByRole('button', { name: 'Reload the list' }).click();
    await expect(page.getByTestId('top-user').first()).toContainText('Grace From The Console');
    // The delivery is on the webhooks page, with what the backend answered.
    await console.getByRole('link', { name: 'Webhooks' }).click();
    const deliveries = console.getByRole('region', { name: 'Deliveries' });
    await expect(deliveries.getByRole('row').filter({ hasText: 'User.Data.Updated' }).first()).toContainText('200');
  } finally {
    await api('PATCH', `/users/${grace.id}`, { name: 'Grace Example' });
    await delivered(before + 2);
  }
});

test('an invitation in the outbox, and its link followed', async ({ page }) => {
  const email = `console-invitee-${Date.now()}@example.com`;
  const invitation = await api('POST', '/organization-invitations', {
    organizationId: ACME, invitee: email, expiresAt: Date.now() + 86_400_000,
  });
  await api('POST', `/organization-invitations/${invitation.id}/message`, {
    link: `http://localhost:8080/admin/invitations/${invitation.id}?email=${encodeURIComponent(email)}`,
  });
  await page.goto(`${CONSOLE}/outbox`);
  await page.getByLabel('Only to this address').fill(email);
  await page.getByRole('button', { name: 'Filter' }).click();
  const mail = page.getByRole('listitem').filter({ hasText: `OrganizationInvitation to ${email}` });
  await expect(mail).toBeVisible();
  // The organization's page lists it as pending, with the way back to its email.
  await page.goto(`${CONSOLE}/organizations/${ACME}`);
  await expect(page.getByRole('row').filter({ hasText: email })).toContainText('Pending');
  await page.getByRole('row').filter({ hasText: email }).getByRole('link', { name: 'Emails' }).click();
  await page.getByRole('link', { name: /admin\/invitations/ }).click();
  await expect(page).toHaveURL(new RegExp(`localhost:8080/admin/invitations/${invitation.id}`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Join Acme');
});

test('a session revoked in the console signs the app out at its next refresh', async ({ page, browser }) => {
  await signInWithoutUi(page, 'carol');
  await expect(page.getByTestId('top-user')).toHaveCount(10);
  const console = await (await browser.newContext()).newPage();
  console.on('dialog', (dialog) => dialog.accept());
  await openUser(console, 'carol', 'Carol Example');
  const revoke = console.getByRole('button', { name: 'Revoke' });
  await expect(revoke.first()).toBeVisible();
  while (await revoke.count() > 0) {
    await revoke.first().click();
    await expect(console.getByRole('status').first()).toHaveText('The grant and its tokens were revoked.');
  }
  await page.reload(); // the access token was in memory only: the next request needs a refresh
  await expect(page.getByTestId('signed-out-message')).toContainText('Your session has ended');
});

test('a token decoded: its claims, and whether the emulator accepts it now', async ({ page }) => {
  const alice = (await api('GET', '/users?search.username=alice&mode.username=exact'))[0];
  const { access_token } = await control('/tokens', {
    clientId: 'spa4topusers000000001', resource: 'https://api.example.com', userId: alice.id, scopes: ['read:top-users'],
  });
  await page.goto(`${CONSOLE}/tokens`);
  await page.getByLabel(/A token/).fill(access_token);
  await page.getByRole('button', { name: 'Decode' }).click();
  await expect(page.getByText('The emulator would accept this access token now.')).toBeVisible();
  await expect(page.locator('pre').nth(1)).toContainText(`"sub": "${alice.id}"`);
  await page.getByLabel(/A token/).fill(`${access_token.slice(0, -4)}AAAA`);
  await page.getByRole('button', { name: 'Decode' }).click();
  await expect(page.getByText('The emulator would refuse this token now.')).toBeVisible();
  await expect(page.getByText('the signature does not match')).toBeVisible();
});

test('keyboard only: search, open a user, suspend and reinstate', async ({ page }) => {
  page.on('dialog', (dialog) => dialog.accept());
  await page.goto(`${CONSOLE}/users`);
  const tabTo = async (check: () => Promise<boolean>, what: string) => {
    for (let i = 0; i < 60; i++) {
      if (await check()) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${what}`);
  };
  await tabTo(() => page.getByLabel(/Search users/).evaluate((e) => e === document.activeElement), 'the search field');
  await page.keyboard.type('heidi');
  await page.keyboard.press('Enter');
  const link = page.getByRole('link', { name: 'Heidi Example', exact: true });
  await tabTo(() => link.evaluate((e) => e === document.activeElement), "Heidi's link");
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('User Heidi Example');
  const suspend = page.getByRole('button', { name: 'Suspend' });
  await tabTo(() => suspend.evaluate((e) => e === document.activeElement), 'Suspend');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').first()).toHaveText('The user is suspended and signed out everywhere.');
  const reinstate = page.getByRole('button', { name: 'Reinstate' });
  await tabTo(() => reinstate.evaluate((e) => e === document.activeElement), 'Reinstate');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').first()).toHaveText('The user can sign in again.');
});

/** Every console page, by the navigation and a few beyond it. */
async function everyPage(page: Page): Promise<string[]> {
  const alice = (await api('GET', '/users?search.username=alice&mode.username=exact'))[0];
  return ['', '/users', `/users/${alice.id}`, '/organizations', `/organizations/${ACME}`, '/applications',
    '/applications/spa4topusers000000001', '/resources', '/sessions', '/tokens', '/webhooks', '/outbox',
    '/requests', '/controls'];
}

test('every console page passes axe-core', async ({ page }) => {
  await signInWithoutUi(page, 'alice'); // so the sessions pages have rows
  for (const path of await everyPage(page)) {
    await page.goto(`${CONSOLE}${path}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(await violations(page), path).toEqual([]);
  }
});

test('every console page fits 360 px', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  for (const path of await everyPage(page)) {
    await page.goto(`${CONSOLE}${path}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} scrolls sideways`).toBeLessThanOrEqual(360);
  }
});

// The README's screenshots, made by hand: CONSOLE_SCREENSHOTS=<dir> npx playwright test console -g screenshots
test('screenshots', async ({ page }) => {
  test.skip(!process.env.CONSOLE_SCREENSHOTS, 'made by hand for the README');
  const dir = process.env.CONSOLE_SCREENSHOTS!;
  await page.setViewportSize({ width: 1200, height: 760 });
  await signInWithoutUi(page, 'alice');
  await page.goto(`${CONSOLE}/organizations/${ACME}`);
  await page.screenshot({ path: `${dir}/console-organization.png` });
  const alice = (await api('GET', '/users?search.username=alice&mode.username=exact'))[0];
  await page.goto(`${CONSOLE}/users/${alice.id}`);
  await page.screenshot({ path: `${dir}/console-user.png`, fullPage: false });
});
