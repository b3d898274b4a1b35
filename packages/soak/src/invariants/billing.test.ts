import { healthyRun, INVOICE } from './__fixtures__/recordedRun';
import {
  checkBilledEqualsLedger,
  checkInvoicesUnique,
  checkPayments,
} from './billing';

describe('checkInvoicesUnique', () => {
  it('holds with one live invoice per tenant and day (a void one aside)', () => {
    const run = healthyRun();
    run.invoices.push({ ...run.invoices[0], id: 'voided', status: 'void' });
    expect(checkInvoicesUnique(run).breaches).toEqual([]);
  });

  it('finds a second live invoice of a period (what two racing runs made before the advisory lock)', () => {
    const run = healthyRun();
    run.invoices.push({ ...run.invoices[0], id: 'second', status: 'issued' });
    expect(checkInvoicesUnique(run).breaches).toEqual([
      `soak-01 2026-12-06: 2 live invoices (${INVOICE}, second)`,
    ]);
  });
});

describe('checkBilledEqualsLedger', () => {
  it('holds when each billed day’s lines add up to its ledger rows', () => {
    const result = checkBilledEqualsLedger(healthyRun());
    expect(result.breaches).toEqual([]);
    expect(result.figures[0]).toMatch(
      /ledger 6,421 tokens, invoice lines 6,421 tokens/,
    );
  });

  it('finds late usage of a billed day that no adjustment line carried, and a seeded day never billed', () => {
    const run = healthyRun();
    const seeded = run.ledger.find(r => r.seeded)!;
    run.ledger.push(
      {
        ...seeded,
        requestId: 'soak-seed:late1:2026-12-06:soak-01:0',
        promptTokens: 701,
        completionTokens: 695,
      },
      {
        ...seeded,
        requestId: 'soak-seed:past:2026-12-05:soak-01:0',
        occurredAt: seeded.occurredAt - 86_400_000,
      },
    );
    expect(checkBilledEqualsLedger(run).breaches).toEqual([
      '2026-12-06 soak-01 openai:gpt-4.1-mini: billed 5494+927 tokens, the ledger holds 6195+1622',
      '2026-12-05 has usage but was never billed',
    ]);
  });
});

describe('checkPayments', () => {
  it('holds for an invoice paid through its verified payment of the exact amount', () => {
    expect(checkPayments(healthyRun()).breaches).toEqual([]);
  });

  it('finds the payment lost to a forged callback (recorded: it failed the open link, a new one was made and paid, the old one was paid too and never verified)', () => {
    const run = healthyRun();
    run.invoices[0].trackId = '3000000038';
    run.payments = [
      {
        trackId: '3000000027',
        orderId: INVOICE,
        amount: 4086,
        status: 2,
        verified: false,
      },
      {
        trackId: '3000000038',
        orderId: INVOICE,
        amount: 4086,
        status: 1,
        verified: true,
      },
    ];
    expect(checkPayments(run).breaches).toEqual([
      `payment 3000000027 of 4086 Rials for invoice ${INVOICE} was lost: never verified, invoice paid with trackId 3000000038`,
    ]);
  });

  it('finds an invoice paid by a payment of another amount, or one Zibal never verified', () => {
    const run = healthyRun();
    run.payments[0].amount = 3086;
    expect(checkPayments(run).breaches).toEqual([
      `invoice ${INVOICE} (4086 Rials) is paid, its payment 3000000027 is verified for 3086 Rials`,
    ]);
    run.payments = [];
    expect(checkPayments(run).breaches).toEqual([
      `invoice ${INVOICE} is paid with trackId 3000000027, which Zibal does not know`,
    ]);
  });
});
