import { UsageLedger } from '../usage/UsageLedger';
import { seededRandom } from './seededRandom';
import { billingDayStart } from '../usage/billingDays';

/**
 * Demo usage: 30 days of calls for each demo tenant on priced model ids,
 * marked `demo` in the ledger. Sized so that most days cost more than the
 * Zibal floor (1,000 Rials = 5,000 tokens at the seed price) and about one
 * day in five falls under it and is carried. Request ids are stable, so a
 * restart adds nothing.
 */
export async function seedDemoUsage(options: {
  ledger: UsageLedger;
  tenantIds: string[];
  days: string[];
  timeZone: string;
}) {
  const models = ['openai:gpt-4o-mini', 'openai:text-embedding-3-small'];
  let written = 0;
  for (const [t, tenantId] of options.tenantIds.entries()) {
    const random = seededRandom(1000 + t);
    for (const day of options.days) {
      const start = billingDayStart(day, options.timeZone).getTime();
      const small = random() < 0.2;
      const calls = small
        ? 1 + Math.floor(random() * 3)
        : 4 + Math.floor(random() * 12);
      for (let i = 0; i < calls; i++) {
        const model = models[i % models.length];
        const prompt = small
          ? 300 + Math.floor(random() * 600)
          : 800 + Math.floor(random() * 4000);
        const completion = model.includes('embedding')
          ? 0
          : Math.floor(prompt * random() * 0.4);
        const created = await options.ledger.record({
          requestId: `demo:${tenantId}:${day}:${i}`,
          tenantId,
          model,
          operation: model.includes('embedding') ? 'embedding' : 'chat',
          promptTokens: prompt,
          completionTokens: completion,
          occurredAt: new Date(start + Math.floor(random() * 86_000_000)),
          demo: true,
        });
        if (created) written++;
      }
    }
  }
  return written;
}
