/**
 * The operator console in a real browser (Debian's Chromium driven by playwright-core) against the local service:
 * DynamoDB Local, the SES emulator behind a fault proxy, the local runtime with an approval threshold. An operator
 * looks a customer up, approves a pending grant (not as its issuer), voids a credit and sees the finance report
 * change, exports it as CSV, erases the customer, and redrives a dead-letter queue after a fault is fixed.
 * Screenshots go to test-artifacts/console/ (gitignored). Without Chromium the file is skipped, except under CI=true.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { localBackend } from '../../console/backend';
import { startConsole, type ConsoleServer } from '../../console/server';
import { REPO_ROOT } from '../../infra/paths';
import { synthTemplate } from '../../infra/synth';
import { DAY_MS } from '../../lambdas/domain/credit';
import { formatMoney } from '../../lambdas/domain/money';
import { offsetClock, setClock } from '../../lambdas/shared/clock';
import type { CfnTemplate } from '../../local/template';
import { startFaultProxy, type FaultProxy } from '../support/faults';
import { emailsTo, startTestRuntime, waitFor, type TestRuntime } from './harness';
import { complaint, has, ServiceClient } from './service-client';

jest.setTimeout(240_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'console');
const LOCALE = 'de-DE';
const eur = (amount: number) => formatMoney({ amount, currency: 'EUR' }, LOCALE);

if (!HAVE_CHROMIUM && process.env.CI === 'true') {
  test('Chromium is installed (CI)', () => {
    throw new Error(`${CHROMIUM} not found: .ci/run installs it (apt-get install -y chromium)`);
  });
} else if (!HAVE_CHROMIUM) {
  process.stderr.write(`console.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or CHROMIUM_PATH)\n`);
  test.skip('operator console in a browser (needs Chromium)', () => {});
} else {
  describe('operator console in Chromium', browserSuite);
}

function browserSuite(): void {
  let t: TestRuntime;
  let svc: ServiceClient;
  let proxy: FaultProxy;
  let server: ConsoleServer;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const a = complaint({ amount: 2500, issuedBy: 'agent-1' });
  const pendingGrant = complaint({
    customerId: a.customerId,
    email: a.email,
    amount: 15_000,
    issuedBy: 'agent-1',
    reasonCode: 'DAMAGED_ORDER',
  });
  const poison = complaint({ locale: 'en' });
  /** Another customer's last days, so the report has a past: EUR granted 9 and 5 days ago, spent 3, put back 1; USD 4. */
  const past = complaint({ amount: 5000 });
  const PAST_EUR = 5000 + 3000 - 2000 + 2000;
  const daysAgo = async (days: number, act: () => Promise<unknown>) => {
    const restore = setClock(offsetClock(-days * DAY_MS));
    try {
      await act();
      await t.runtime.idle(30_000);
    } finally {
      restore();
    }
  };

  /** A screenshot in test-artifacts/console/: the whole page, or (a modal dialog open) the window the dialog dims. */
  const shot = (name: string, fullPage = true) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
  const open = async (screen: string) => {
    await page.goto(`${server.url}#${screen}`);
    await page.getByRole('heading', { level: 2 }).first().waitFor();
  };
  const status = () => page.getByRole('status').last();

  beforeAll(async () => {
    const template = synthTemplate({
      context: { 'courtesy:approvalThreshold': { EUR: 100 }, 'courtesy:approverRoleArn': 'arn:aws:iam::111111111111:role/approvers' },
    }) as CfnTemplate;
    proxy = await startFaultProxy({ target: process.env.SES_ENDPOINT! });
    t = await startTestRuntime({ template, sesEndpoint: proxy.url, retryDelayMs: () => 25, queueDelayMs: (s) => s * 4 });
    svc = new ServiceClient(t);
    await daysAgo(9, () => svc.grant(past));
    await daysAgo(5, () => svc.grant(complaint({ customerId: past.customerId, email: past.email, amount: 3000 })));
    await daysAgo(4, () => svc.grant(complaint({ customerId: past.customerId, email: past.email, amount: 4000, currency: 'USD' })));
    let redemptionId = '';
    await daysAgo(3, async () => (redemptionId = (await svc.redeem(past.customerId, 2000)).redemptionId));
    await daysAgo(1, () => svc.invoke('reverse', { customerId: past.customerId, redemptionId }));
    await svc.grant(a);
    await svc.grant(pendingGrant);
    // SES refuses the poison address until the fault is fixed: its "issued" email ends in NotifyDlq
    proxy.down('reject', { match: (r) => r.body.includes(poison.email), message: 'Sending paused for this account.' });
    await svc.grant(poison);
    server = await startConsole({ backend: localBackend({ runtime: t.runtime.url, ses: process.env.SES_ENDPOINT! }) });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      locale: LOCALE,
      viewport: { width: 1100, height: 800 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
  });
  afterAll(async () => {
    await context?.close();
    await server?.stop();
    await t?.stop();
    await proxy?.stop();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  test('customer: balance, credits with expiry, timeline and the emails sent, amounts per locale, no address on screen', async () => {
    await open('customer');
    await page.getByLabel('Customer id').fill(a.customerId);
    await page.keyboard.press('Enter');
    const balance = page.getByRole('table', { name: 'Balance per currency' });
    await balance.waitFor();
    await expect(
      balance
        .getByRole('cell', { name: eur(2500) })
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await page.getByRole('list', { name: 'Ledger, newest first' }).getByText('Granted').first().waitFor();
    await page
      .getByRole('table', { name: /Local mailbox/ })
      .getByRole('row')
      .nth(1)
      .waitFor();
    const text = await page.locator('body').textContent();
    expect(text).toContain(`+${eur(2500)}`);
    expect(text).toMatch(/email#[0-9a-f]{12}/);
    expect(text).not.toContain(a.email);
    expect(text).not.toContain('@');
    // every control has an accessible name
    const unlabelled = await page
      .locator('input, select, textarea, button')
      .evaluateAll((els: any[]) =>
        els.filter((el) => !el.labels?.length && !el.getAttribute('aria-label') && !el.textContent?.trim()).map((el) => el.outerHTML),
      );
    expect(unlabelled).toEqual([]);
    await shot('customer');
  });

  test('pending grants: the issuer cannot decide (checker ≠ maker, visible); another approver approves, beside the history', async () => {
    await open('approvals');
    await page.getByLabel('Your approver id').fill('Agent-1'); // the issuer spelt another way is still the issuer
    await page.getByLabel('Customer id').fill(a.customerId);
    await page.getByRole('button', { name: 'Show pending grants' }).click();
    const card = page.getByRole('article', { name: `${eur(15_000)} for complaint ${pendingGrant.complaintId}` });
    await card.waitFor();
    await expect(card.getByText('You issued this grant').isVisible()).resolves.toBe(true);
    await expect(card.getByRole('button', { name: 'Approve' }).isDisabled()).resolves.toBe(true);

    await page.getByLabel('Your approver id').fill('lead-7');
    await page.getByRole('button', { name: 'Show pending grants' }).click();
    await card.getByText('Checker ≠ maker').waitFor();
    await page.getByRole('complementary', { name: "The customer's history" }).getByRole('table', { name: 'Credits' }).waitFor();
    await shot('approvals');
    await card.getByRole('button', { name: 'Approve' }).click();
    await expect(status().textContent()).resolves.toMatch(/^Approved: credit \S+ granted\.$/);
    await t.runtime.idle(30_000);
    const after = await svc.balance(a.customerId);
    expect(after.courtesyCredit.balances).toEqual([expect.objectContaining({ currency: 'EUR', available: 17_500 })]);
    expect(svc.events('CreditGranted', a.customerId)).toHaveLength(2);
  });

  test('void a credit with a reason (keyboard: Escape cancels), and the finance report shows it; CSV export', async () => {
    await open('report');
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.getByRole('img', { name: /^EUR: liability/ }).waitFor();
    const today = new Date().toISOString().slice(0, 10);
    const todayRow = async () => {
      await page.getByText('The EUR figures as a table').click();
      return page.getByRole('table', { name: 'EUR per day' }).getByRole('row', { name: new RegExp(`^${today}`) });
    };
    expect(await (await todayRow()).textContent()).toContain(eur(PAST_EUR + 15_000 + 2500 + poison.amount));
    await page.getByRole('img', { name: /^USD: liability/ }).waitFor();

    await open('customer');
    await page.getByLabel('Customer id').fill(a.customerId);
    await page.keyboard.press('Enter');
    const credit = (await svc.balance(a.customerId)).courtesyCredit.credits.find((c: any) => c.remaining === 2500).creditId;
    const voidButton = page.getByRole('button', { name: `Void credit ${credit}` });
    await voidButton.click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    expect(await voidButton.evaluate((el: any) => el === el.ownerDocument.activeElement)).toBe(true); // focus returned
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Void credit ${credit}` });
    await page.keyboard.type('granted twice by mistake');
    await shot('void', false);
    await dialog.getByRole('button', { name: 'Void credit' }).click();
    await expect(status().textContent()).resolves.toBe(`Credit ${credit} voided: ${eur(2500)} removed.`);
    await t.runtime.idle(30_000);

    await open('report');
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.getByRole('img', { name: /^EUR: liability/ }).waitFor();
    const cells = await (await todayRow()).getByRole('cell').allTextContents();
    // Day, Opening, granted, spent, refunded, breakage, voided, Closing
    expect(cells[6]).toBe(eur(2500));
    expect(cells[1]).toBe(eur(PAST_EUR));
    expect(cells[7]).toBe(eur(PAST_EUR + 15_000 + poison.amount));
    await shot('report');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toBe('currency,day,opening,granted,spent,refunded,expired,voided,closing');
    expect(csv).toContain(`EUR,${today},`);
    const todayTotals = [PAST_EUR, 2500 + 15_000 + poison.amount, 0, 0, 0, 2500, PAST_EUR + 15_000 + poison.amount];
    expect(csv).toContain(`EUR,${today},${todayTotals.join(',')}\n`);
    expect(csv).toMatch(/^USD,/m);
  });

  test('erase: the confirmation says what stays, needs the id typed; amounts stay', async () => {
    await open('customer');
    await page.getByLabel('Customer id').fill(a.customerId);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Erase…' }).click();
    const dialog = page.getByRole('dialog', { name: `Erase customer ${a.customerId}` });
    await expect(dialog.getByText('What stays').isVisible()).resolves.toBe(true);
    await expect(dialog.getByText(/the balance, the history and the finance report are unchanged/).isVisible()).resolves.toBe(true);
    const erase = dialog.getByRole('button', { name: 'Erase personal data' });
    await expect(erase.isDisabled()).resolves.toBe(true);
    await dialog.getByLabel(/Type the customer id/).fill(a.customerId);
    await shot('erase', false);
    await erase.click();
    await expect(status().textContent()).resolves.toMatch(
      new RegExp(`^Customer ${a.customerId}: personal data erased from \\d+ items\\.$`),
    );
    const items = await svc.items(a.customerId);
    expect(items.some((i) => has(i, a.email))).toBe(false);
    expect((await svc.balance(a.customerId)).courtesyCredit.balances[0].available).toBe(15_000);
  });

  test('failure queues: the dead letter is counted with its age; redriven after the fix, the email goes out once', async () => {
    const dlq = await waitFor(
      () => Object.keys(t.runtime.queues).find((q) => q.startsWith('NotifyDlq') && t.runtime.queues[q]!.length > 0),
      30_000,
      100,
    );
    await open('queues');
    const row = page.getByRole('row', { name: new RegExp(`^${dlq}`) });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(0, 3)).toEqual([dlq, '1', '0']);
    expect(cells[3]).toMatch(/^\d+ (s|min)$/);
    await shot('queues');
    proxy.up();
    await row.getByRole('button', { name: /^Redrive NotifyDlq\S* to NotifyQueue/ }).click();
    await expect(status().textContent()).resolves.toMatch(
      new RegExp(`^${dlq}: 1 message\\(s\\) moved back to NotifyQueue\\S* \\(COMPLETED\\)\\.$`),
    );
    await t.runtime.idle(30_000);
    expect(await emailsTo(poison.email)).toHaveLength(1);
    expect(t.runtime.queues[dlq]).toEqual([]);
  });
}
