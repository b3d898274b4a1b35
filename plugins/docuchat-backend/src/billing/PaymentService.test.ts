import { TestDatabases } from '@backstage/backend-test-utils';
import { migratedDatabaseWithTenants } from '../database/__testUtils__/testDatabases';
import {
  startSmtpTestServer,
  SmtpTestServer,
  startZibalTestServer,
  ZibalTestServer,
} from '@internal/docuchat-test-utils';
import {
  closedDay,
  createBillingStack,
  TEHRAN,
} from './__testUtils__/billingStack';
import { billingDayRange } from '../usage/billingDays';

jest.setTimeout(60_000);

describe('payment callbacks and invoice emails', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let zibal: ZibalTestServer;
  let smtp: SmtpTestServer;
  let stack: ReturnType<typeof createBillingStack>;

  beforeAll(async () => {
    zibal = await startZibalTestServer();
    smtp = await startSmtpTestServer();
  });
  afterAll(async () => {
    await zibal.close();
    await smtp.close();
  });
  afterEach(() => stack.mailer.close());

  /** One issued invoice of 3,000 Rials for acme with its link. */
  async function issuedInvoice() {
    const knex = await migratedDatabaseWithTenants(databases, 'SQLITE_3', [
      'acme',
    ]);
    await knex('docuchat_tenants').update({
      display_name: 'Acme Corp',
      contact_email: 'billing@acme.test',
    });
    stack = createBillingStack(knex, {
      zibalUrl: zibal.baseUrl,
      smtp,
      // Every good Zibal call must answer within it on a busy machine; the
      // hang case waits it out once.
      zibalTimeoutMs: 1000,
    });
    const day = closedDay();
    await stack.ledger.record({
      requestId: `r-${Math.random()}`,
      tenantId: 'acme',
      model: 'openai:gpt-4o-mini',
      operation: 'chat',
      promptTokens: 12_000,
      completionTokens: 3_000,
      occurredAt: billingDayRange(day, TEHRAN).start,
    });
    await stack.runner.run({ trigger: 'manual', days: [day] });
    const [invoice] = await stack.store.listForTenant('acme', {
      limit: 1,
      offset: 0,
    });
    zibal.requests.length = 0;
    return { invoice, trackId: invoice.payment.trackId!, day };
  }

  const verifies = () =>
    zibal.requests.filter(r => r.route === '/v1/verify').length;

  it('marks the invoice paid only after verify confirms the amount, and redirects to its page', async () => {
    const { invoice, trackId } = await issuedInvoice();
    zibal.pay(trackId);
    const result = await stack.payments.handleCallback({
      trackId,
      success: '1',
      orderId: invoice.id,
      status: '2',
    });
    expect(result).toEqual({
      outcome: 'paid',
      redirect: `http://localhost:3000/docuchat/tenants/acme/invoices/${invoice.id}`,
    });
    expect(await stack.store.get(invoice.id)).toMatchObject({
      status: 'paid',
      payment: {
        state: 'paid',
        refNumber: expect.any(String),
        cardNumber: '62741****44',
      },
    });
    // A replay changes nothing and asks Zibal nothing.
    expect(
      (
        await stack.payments.handleCallback({
          trackId,
          success: '1',
          orderId: invoice.id,
        })
      ).outcome,
    ).toBe('already_paid');
    expect(verifies()).toBe(1);
  });

  it('does not trust success=1 when verify says unpaid; the cancelled link is replaced', async () => {
    const { invoice, trackId } = await issuedInvoice();
    zibal.cancel(trackId);
    expect(
      (
        await stack.payments.handleCallback({
          trackId,
          success: '1',
          orderId: invoice.id,
        })
      ).outcome,
    ).toBe('failed');
    const failed = (await stack.store.get(invoice.id))!;
    expect(failed).toMatchObject({
      status: 'failed',
      payment: { state: 'failed' },
    });
    const renewed = await stack.payments.paymentLink(failed);
    expect(renewed).toMatchObject({
      status: 'issued',
      payment: { state: 'link' },
    });
    expect(renewed.payment.trackId).not.toBe(trackId);
    // The old trackId is spent: its callback changes nothing.
    expect(
      (await stack.payments.handleCallback({ trackId, success: '1' })).outcome,
    ).toBe('rejected');
  });

  it('changes nothing for a callback claiming success before anyone paid; the payment made afterwards is accepted', async () => {
    const { invoice, trackId } = await issuedInvoice();
    const forged = await stack.payments.handleCallback({
      trackId,
      success: '1',
      orderId: invoice.id,
      status: '2',
    });
    expect(forged.outcome).toBe('pending');
    expect(await stack.store.get(invoice.id)).toMatchObject({
      status: 'issued',
      payment: { state: 'link', trackId },
    });
    // The link is still the invoice's: the payer pays on it.
    zibal.pay(trackId);
    expect(
      (
        await stack.payments.handleCallback({
          trackId,
          success: '1',
          orderId: invoice.id,
        })
      ).outcome,
    ).toBe('paid');
  });

  it('refuses an amount that differs from the invoice', async () => {
    const { invoice, trackId } = await issuedInvoice();
    zibal.pay(trackId, 1000);
    expect(
      (
        await stack.payments.handleCallback({
          trackId,
          success: '1',
          orderId: invoice.id,
        })
      ).outcome,
    ).toBe('rejected');
    expect(await stack.store.get(invoice.id)).toMatchObject({
      status: 'issued',
      payment: { error: expect.stringMatching(/amount mismatch/) },
    });
  });

  it('ignores unknown trackIds, malformed callbacks and a forged orderId', async () => {
    const { invoice, trackId } = await issuedInvoice();
    zibal.pay(trackId);
    expect(
      (await stack.payments.handleCallback({ trackId: '999', success: '1' }))
        .outcome,
    ).toBe('rejected');
    expect(
      (await stack.payments.handleCallback({ success: '1' })).outcome,
    ).toBe('rejected');
    expect(
      (
        await stack.payments.handleCallback({
          trackId,
          success: '1',
          orderId: 'someone-else',
        })
      ).outcome,
    ).toBe('rejected');
    expect(verifies()).toBe(0);
    expect((await stack.store.get(invoice.id))!.status).toBe('issued');
  });

  it('leaves the invoice unpaid when verify times out, and the next run verifies it', async () => {
    const { invoice, trackId } = await issuedInvoice();
    zibal.pay(trackId);
    zibal.fault('/v1/verify', { kind: 'hang' });
    expect(
      (
        await stack.payments.handleCallback({
          trackId,
          success: '1',
          orderId: invoice.id,
        })
      ).outcome,
    ).toBe('error');
    expect(await stack.store.get(invoice.id)).toMatchObject({
      status: 'issued',
      payment: { error: expect.stringMatching(/verify failed.*timed out/) },
    });
    await stack.runner.run({ trigger: 'schedule', days: [] });
    expect((await stack.store.get(invoice.id))!.status).toBe('paid');
  });

  it('reads an already verified payment (201) through inquiry', async () => {
    const { invoice, trackId } = await issuedInvoice();
    zibal.pay(trackId);
    zibal.payments.get(Number(trackId))!.verified = true;
    zibal.payments.get(Number(trackId))!.status = 1;
    expect(
      (await stack.payments.handleCallback({ trackId, success: '1' })).outcome,
    ).toBe('paid');
    expect(zibal.requests.map(r => r.route)).toEqual([
      '/v1/verify',
      '/v1/inquiry',
    ]);
    expect((await stack.store.get(invoice.id))!.status).toBe('paid');
  });

  it('verifies once when callbacks for one invoice arrive together', async () => {
    const { invoice, trackId } = await issuedInvoice();
    zibal.pay(trackId);
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        stack.payments.handleCallback({
          trackId,
          success: '1',
          orderId: invoice.id,
        }),
      ),
    );
    expect(outcomes.filter(o => o.outcome === 'paid')).toHaveLength(1);
    expect(verifies()).toBe(1);
  });

  it('emails the invoice once, in Persian and English, with the amount and the link', async () => {
    smtp.mails.length = 0;
    const { invoice, day } = await issuedInvoice();
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail.to).toEqual(['billing@acme.test']);
    expect(mail.from).toBe('billing@docuchat.test');
    expect(mail.header('Message-ID')).toBe(`<invoice-${invoice.id}@localhost>`);
    const [text, html] = mail.parts;
    // 15,000 tokens at 200 Rials per 1,000 = 3,000 Rials = 300 Tomans.
    expect(text).toContain(`Period: ${day}`);
    expect(text).toContain('Amount due: 300 Tomans (3,000 Rials)');
    expect(text).toContain('مبلغ قابل پرداخت: ۳۰۰ تومان');
    expect(text).toContain(
      'openai:gpt-4o-mini: ۱۲٬۰۰۰ توکن ورودی، ۳٬۰۰۰ توکن خروجی',
    );
    expect(text).toContain(invoice.payment.url);
    expect(html).toContain('<div dir="rtl" lang="fa">');
    expect(html).toContain(`href="${invoice.payment.url}"`);
    await stack.runner.run({ trigger: 'schedule', days: [] });
    expect(smtp.mails).toHaveLength(1);
  });

  it('records a refused email on the invoice and sends it on the next run', async () => {
    smtp.mails.length = 0;
    smtp.refuseNext(1);
    const { invoice } = await issuedInvoice();
    expect(await stack.store.get(invoice.id)).toMatchObject({
      email: { attempts: 1, error: expect.stringMatching(/451/) },
    });
    const run = await stack.runner.run({ trigger: 'schedule', days: [] });
    expect(run.emailsSent).toBe(1);
    expect(await stack.store.get(invoice.id)).toMatchObject({
      email: { attempts: 2, sentAt: expect.any(String) },
    });
    expect(smtp.mails).toHaveLength(1);
  });
});
