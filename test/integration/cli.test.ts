/**
 * The local CLI (`npm run cli`, local/cli.ts) against the local runtime, as a user runs it: a child process per
 * command, its JSON answer read from stdout. The payment flow's commands (hold, capture, release, refund), redeem
 * with purchase lines, grant with categories and the balance's held money and holds.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../infra/paths';
import { startTestRuntime, waitFor, type TestRuntime } from './harness';
import { ServiceClient, unique } from './service-client';

jest.setTimeout(180_000);

const execFileAsync = promisify(execFile);
let t: TestRuntime;
let svc: ServiceClient;

beforeAll(async () => {
  t = await startTestRuntime();
  svc = new ServiceClient(t);
});
afterAll(async () => {
  await t?.stop();
});

/** Runs `npm run cli -- …args` against this file's runtime; its stdout. */
async function cli(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), ['local/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, COURTESY_LOCAL_URL: t.runtime.url, COURTESY_ENDPOINTS: path.join(REPO_ROOT, '.no-endpoints-file') },
  });
  return stdout;
}
/** The JSON answer a command prints (grant adds a sentence after it). */
const cliJson = async (...args: string[]): Promise<any> => {
  const out = await cli(...args);
  return JSON.parse(out.slice(0, out.lastIndexOf('}') + 1));
};

it('grant --categories, hold --line, capture, capture --final, refund --capture, redeem --line, refund --redemption, release, balance', async () => {
  const customer = unique('cust');
  // A credit for services only, and one for anything eligible.
  const narrow = await cliJson(
    ...['grant', '--customer', customer, '--email', 'kim@example.com', '--amount', '1000', '--days', '30'],
    ...['--reason', 'Lieferung verspätet', '--categories', 'SERVICES', '--complaint', unique('cmp')],
  );
  expect(narrow.published).toMatchObject({ customerId: customer, categories: ['SERVICES'] });
  await cli('grant', '--customer', customer, '--email', 'kim@example.com', '--amount', '2000', '--days', '90', '--reason', 'Kulanz');
  await t.runtime.idle(30_000);
  await waitFor(async () => (await svc.balance(customer)).courtesyCredit.credits.length === 2, 20_000);

  // hold: a physical-goods line (the services-only credit cannot pay for it) and a services line.
  const order = unique('order');
  const h = await cliJson(
    ...['hold', '--customer', customer, '--order', order, '--amount', '2500'],
    ...['--line', 'PHYSICAL_GOODS:1800', '--line', 'SERVICES:700', '--lifetime', '3600'],
  );
  expect(h).toMatchObject({ ok: true, requested: 2500, held: 2500 });
  expect(h.lines).toEqual([
    expect.objectContaining({ lineId: '1', category: 'PHYSICAL_GOODS', amount: 1800, applied: 1800 }),
    expect.objectContaining({ lineId: '2', category: 'SERVICES', amount: 700, applied: 700 }),
  ]);
  expect(Date.parse(h.holdExpiresAt) - Date.parse(h.heldAt)).toBe(3600_000);
  // The same command again: the same answer (the key derives from the order).
  expect(
    await cliJson(
      'hold',
      '--customer',
      customer,
      '--order',
      order,
      '--amount',
      '2500',
      '--line',
      'PHYSICAL_GOODS:1800',
      '--line',
      'SERVICES:700',
      '--lifetime',
      '3600',
    ),
  ).toEqual(h);

  const held = await cliJson('balance', '--customer', customer);
  expect(held.courtesyCredit.balances).toEqual([expect.objectContaining({ currency: 'EUR', available: 500, held: 2500 })]);
  expect(held.courtesyCredit.holds).toEqual([
    { holdId: h.holdId, orderId: order, currency: 'EUR', held: 2500, captured: 0, state: 'ACTIVE', expiresAt: h.holdExpiresAt },
  ]);

  const c1 = await cliJson('capture', '--customer', customer, '--hold', h.holdId, '--amount', '1000');
  expect(c1).toMatchObject({ ok: true, captured: 1000, stillHeld: 1500, holdStatus: 'ACTIVE' });
  const c2 = await cliJson('capture', '--customer', customer, '--hold', h.holdId, '--amount', '500', '--final', '--key', 'ship-2');
  expect(c2).toMatchObject({ ok: true, captured: 500, stillHeld: 0, holdStatus: 'CAPTURED', released: { restored: 1000, lapsed: 0 } });
  const r1 = await cliJson('refund', '--customer', customer, '--capture', c1.captureId, '--amount', '300', '--reason', 'Teilrücksendung');
  expect(r1).toMatchObject({ ok: true, refundOf: 'CAPTURE', captureId: c1.captureId, restored: 300, refundable: 700 });

  // redeem with lines: a gift card is never paid with courtesy credit.
  const redeemed = await cliJson(
    ...['redeem', '--customer', customer, '--order', unique('order'), '--amount', '1500'],
    ...['--line', 'SERVICES:400', '--line', 'GIFT_CARD:1100'],
  );
  expect(redeemed).toMatchObject({ ok: true, applied: 400 });
  expect(redeemed.lines).toEqual([
    expect.objectContaining({ category: 'SERVICES', applied: 400 }),
    expect.objectContaining({ category: 'GIFT_CARD', applied: 0 }),
  ]);
  const r2 = await cliJson('refund', '--customer', customer, '--redemption', redeemed.redemptionId, '--amount', '100', '--key', 'rk-1');
  expect(r2).toMatchObject({ ok: true, refundOf: 'REDEMPTION', redemptionId: redeemed.redemptionId, restored: 100, refundable: 300 });
  expect(
    await cliJson('refund', '--customer', customer, '--redemption', redeemed.redemptionId, '--amount', '100', '--key', 'rk-1'),
  ).toEqual(r2);

  // A second hold, let go of.
  const h2 = await cliJson('hold', '--customer', customer, '--order', unique('order'), '--amount', '200');
  expect(h2).toMatchObject({ ok: true, held: 200 });
  const released = await cliJson('release', '--customer', customer, '--hold', h2.holdId);
  expect(released).toMatchObject({ ok: true, holdId: h2.holdId, restored: 200, lapsed: 0 });
  expect(await cliJson('release', '--customer', customer, '--hold', h2.holdId)).toEqual(released); // the same answer again

  // 3000 granted − 1500 captured + 300 refunded − 400 redeemed + 100 refunded = 1500 available, nothing held.
  const after = await cliJson('balance', '--customer', customer);
  expect(after.courtesyCredit.balances).toEqual([expect.objectContaining({ currency: 'EUR', available: 1500, held: 0 })]);
  expect(after.courtesyCredit.holds).toEqual([]);
});

it('the CLI refuses its own syntax errors before calling anything', async () => {
  await expect(cli('hold', '--customer', 'c', '--order', 'o', '--amount', '1', '--line', 'PHYSICAL_GOODS')).rejects.toMatchObject({
    stderr: expect.stringContaining('CATEGORY:AMOUNT expected'),
  });
  await expect(cli('refund', '--customer', 'c', '--amount', '1')).rejects.toMatchObject({
    stderr: expect.stringContaining('exactly one of --capture and --redemption'),
  });
});

it("operators' and approvers' commands answer through the client: refusals by code, reports, pending grants", async () => {
  const customer = unique('cust');
  expect(await cliJson('void', '--customer', customer, '--credit', 'no-such-credit', '--reason', 'made in error')).toMatchObject({
    ok: false,
    error: { code: 'CREDIT_NOT_FOUND', retryable: false },
  });
  expect(await cliJson('erase', '--customer', customer)).toMatchObject({ ok: true, customerId: customer, itemsErased: 0 });
  expect(await cli('report', '--from', '2026-01-01', '--to', '2026-01-02', '--csv')).toMatch(/^currency,day,opening,/);
  expect(await cliJson('reconcile')).toMatchObject({ ok: true, operation: 'reconcile' });
  expect(await cliJson('pending', '--customer', customer)).toEqual({ ok: true, customerId: customer, pending: [] });
  expect(await cliJson('approve', '--customer', customer, '--pending', 'p-1', '--approver', 'a-1')).toMatchObject({
    ok: false,
    error: { code: 'PENDING_GRANT_NOT_FOUND' },
  });
  await expect(
    cli('decline', '--customer', customer, '--pending', 'p-1', '--approver', 'a-1', '--reason-code', 'BORED'),
  ).rejects.toMatchObject({
    stderr: expect.stringContaining('--reason-code must be one of NOT_JUSTIFIED'),
  });
});
