// Organization administration in the app (issue 25), on the admin bundle (/admin/): alice, Acme's
// admin, invites a new address; the invitation's email is in the emulator's outbox; its link opens the
// invitation page; the invitee creates their account with the code from the outbox, accepts, and is
// in Acme at once; alice makes them a guest and their next organization list is refused at once; alice
// removes them. A member sees the page read-only, the last admin cannot be demoted, a revoked
// invitation's link says so.
import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';
import { ACME, lastEmail, signInWithoutUi } from './helpers';

const MEMBERS = `/admin/organizations/${ACME}/members`;

async function violations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

function row(page: Page, text: string) {
  return page.getByTestId('member-row').filter({ hasText: text });
}

async function invite(page: Page, email: string, role = 'member'): Promise<string> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption(role);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByTestId('admin-said')).toHaveText(`Invitation sent to ${email}.`);
  await expect(page.getByTestId('invitations')).toContainText(email);
  const mail = await lastEmail(email);
  expect(mail.type).toBe('OrganizationInvitation');
  return mail.payload.link;
}

test('an admin invites, the invitee signs up and joins, is demoted, refused at once, and removed', async ({ page, browser }) => {
  await signInWithoutUi(page, 'alice', MEMBERS);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Members of Acme');
  await expect(row(page, 'alice@example.com')).toBeVisible();
  expect(await violations(page), 'the members page, as an admin').toEqual([]);

  const email = `newcomer-${Date.now()}@example.com`;
  const link = await invite(page, email);
  expect(link).toMatch(/^http:\/\/localhost:8080\/admin\/invitations\/[a-z0-9]+\?email=/);

  // The invitee, in a browser of their own, follows the link and creates their account.
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await expect(invitee).toHaveURL(/\/admin\/invitations\//);
  await expect(invitee.getByRole('heading', { level: 1 })).toHaveText('Join Acme');
  expect(await violations(invitee), 'the invitation page').toEqual([]);
  await invitee.getByTestId('create-account').click();
  await expect(invitee).toHaveURL(/localhost:3001\/register/);
  await expect(invitee.getByLabel('Email')).toHaveValue(email);
  await invitee.getByLabel('Password', { exact: true }).fill('lighthouse-keeper-77');
  await invitee.getByLabel('Confirm password').fill('lighthouse-keeper-77');
  await invitee.getByRole('button', { name: 'Create account' }).click();
  await expect(invitee.getByRole('heading', { name: 'Verify your email' })).toBeVisible();
  const code = (await lastEmail(email)).payload.code;
  await invitee.getByLabel('Verification code').fill(code);
  await invitee.getByRole('button', { name: 'Continue' }).click();
  await expect(invitee).toHaveURL(/\/admin\/invitations\//);
  await invitee.getByTestId('accept').click();
  await expect(invitee.getByTestId('invitation-accepted')).toContainText('You are a member of Acme now');

  // No second sign-in: the app's list of Acme answers, and Acme is in the switcher.
  await invitee.getByRole('link', { name: 'See its most-followed members' }).click();
  await expect(invitee.getByTestId('top-user')).toHaveCount(10);
  await expect(invitee.getByTestId('org-switcher').locator('option', { hasText: 'Acme' })).toHaveCount(1);

  // alice sees them at once, and makes them a guest: their next list is refused at once.
  await page.reload();
  await expect(row(page, email)).toBeVisible();
  await row(page, email).getByRole('combobox').selectOption('guest');
  await expect(page.getByTestId('admin-said')).toContainText('is now guest');
  await invitee.getByRole('button', { name: 'Reload the list' }).click();
  await expect(invitee.getByTestId('top-users-error')).toBeVisible();

  // alice removes them, after confirming.
  page.once('dialog', (d) => d.accept());
  await row(page, email).getByRole('button', { name: /^Remove/ }).click();
  await expect(page.getByTestId('admin-said')).toContainText('was removed');
  await expect(row(page, email)).toHaveCount(0);
});

test('a member reads, the last admin stays, a revoked invitation says so, guests are told why', async ({ page, browser }) => {
  // The last admin cannot demote herself: the refusal is said in words.
  await signInWithoutUi(page, 'alice', MEMBERS);
  await row(page, 'alice@example.com').getByRole('combobox').selectOption('member');
  await expect(page.getByTestId('admin-error')).toContainText('at least one member who can manage');
  await expect(row(page, 'alice@example.com').getByRole('combobox')).toHaveValue('admin');

  // A revoked invitation's link says so.
  const email = `revoked-${Date.now()}@example.com`;
  const link = await invite(page, email, 'guest');
  await page.getByRole('button', { name: `Revoke the invitation to ${email}` }).click();
  await expect(page.getByTestId('admin-said')).toContainText('was revoked');
  const other = await (await browser.newContext()).newPage();
  await other.goto(link);
  await expect(other.getByTestId('invitation-closed')).toContainText('revoked');

  // carol, a member, reads without emails, pickers, buttons or the invite form.
  const carol = await (await browser.newContext()).newPage();
  await signInWithoutUi(carol, 'carol', MEMBERS);
  await expect(row(carol, 'Alice')).toBeVisible();
  await expect(carol.getByRole('combobox')).toHaveCount(0);
  await expect(carol.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
  await expect(carol.getByTestId('invite-form')).toHaveCount(0);
  await expect(carol.getByText('@example.com')).toHaveCount(0);
  expect(await violations(carol), 'the members page, read-only').toEqual([]);

  // bob, a guest, is told why.
  const bob = await (await browser.newContext()).newPage();
  await signInWithoutUi(bob, 'bob', MEMBERS);
  await expect(bob.getByTestId('members-error')).toContainText('does not let you');
});

test('the members page works from the keyboard at phone width', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await signInWithoutUi(page, 'alice', MEMBERS);
  await expect(row(page, 'alice@example.com')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const email = `keyboard-${Date.now()}@example.com`;
  await page.getByLabel('Email').focus();
  await page.keyboard.type(email);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('admin-said')).toHaveText(`Invitation sent to ${email}.`);
  await page.getByRole('button', { name: `Revoke the invitation to ${email}` }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('admin-said')).toContainText('was revoked');
});
