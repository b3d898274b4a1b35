import {
  addDays,
  dayInTimeZone,
  startOfDayInTimeZone,
} from '@docuchat/backstage-plugin-docuchat-common';
import { Knex } from 'knex';
import {
  CHAT_MODELS,
  EMBEDDING_DIMENSIONS,
  EMBEDDING_MODEL,
} from '../cluster/backendConfig';
import { PaymentAction } from '../record';
import { ZibalTestServer } from '../testServers';
import { Api } from './api';

const SEED_MODELS = [
  ...CHAT_MODELS.map(model => `openai:${model}`),
  `openai:${EMBEDDING_MODEL}:${EMBEDDING_DIMENSIONS}`,
];

/** The closed billing days the soak seeds usage on, oldest first. */
export function seededDays(count: number, timeZone: string, now = new Date()) {
  // Yesterday closes at today's midnight plus the settle delay (1 minute).
  const today = dayInTimeZone(now, timeZone);
  const latest =
    now.getTime() - startOfDayInTimeZone(today, timeZone).getTime() > 120_000
      ? addDays(today, -1)
      : addDays(today, -2);
  return Array.from({ length: count }, (_, i) =>
    addDays(latest, i - count + 1),
  );
}

/**
 * Usage of past days, written to the ledger as settled rows (as calls of
 * those days would have left it), so billing has something to bill. Some
 * tenant-days cost under Zibal's 1,000 Rials minimum and are carried.
 */
export async function seedUsage(
  db: Knex,
  options: {
    days: string[];
    tenants: string[];
    timeZone: string;
    random: () => number;
    /** Distinguishes rows seeded later for an already billed day. */
    batch: string;
  },
) {
  const rows = [];
  for (const day of options.days) {
    const start = startOfDayInTimeZone(day, options.timeZone).getTime();
    for (const tenant of options.tenants) {
      const calls = 1 + Math.floor(options.random() * 4);
      for (let n = 0; n < calls; n++) {
        const model =
          SEED_MODELS[Math.floor(options.random() * SEED_MODELS.length)];
        const chat = !model.includes('embedding');
        rows.push({
          request_id: `soak-seed:${options.batch}:${day}:${tenant}:${n}`,
          tenant_id: tenant,
          model,
          operation: chat ? 'chat' : 'embedding',
          prompt_tokens: Math.floor(options.random() * 6000),
          completion_tokens: chat ? Math.floor(options.random() * 2000) : 0,
          estimated: false,
          occurred_at: new Date(
            start + Math.floor(options.random() * 23 * 3600_000),
          ),
          status: 'settled',
          settled_at: new Date(),
          billable: true,
          demo: false,
        });
      }
    }
  }
  await db.batchInsert('docuchat_usage', rows, 500);
  return rows.length;
}

/**
 * Bills `body` (`{ day }` or `{ from, to }`) from two replicas at the same
 * moment, as two operators (or the schedule and an operator) would.
 * Retried on 5xx: a run of a billed day creates nothing.
 */
export async function billFromTwoReplicas(
  api: Api,
  replicaUrls: string[],
  body: object,
) {
  return Promise.all(
    replicaUrls.slice(0, 2).map(url =>
      api.idempotent(
        'billing run',
        '/api/docuchat/billing/runs',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
        url,
      ),
    ),
  );
}

/**
 * The payer, and an attacker: for payments still awaiting, pays (now and
 * then twice at once, or with the wrong amount), cancels, or sends forged
 * callbacks; replays callbacks of paid invoices. Every callback goes
 * through the load balancer like a browser's redirect.
 */
export class Payer {
  readonly #handled = new Set<number>();
  #paid: Array<{ trackId: number; orderId?: string }> = [];

  constructor(
    private readonly api: Api,
    private readonly zibal: ZibalTestServer,
    private readonly actions: PaymentAction[],
    private readonly random: () => number,
  ) {}

  async #callback(
    kind: PaymentAction['kind'],
    query: Record<string, string>,
    invoiceId: string | undefined,
    baseUrl?: string,
  ) {
    const { status } = await this.api.idempotent(
      'payment callback',
      `/api/docuchat/billing/zibal/callback?${new URLSearchParams(query)}`,
      { redirect: 'manual' },
      baseUrl,
    );
    this.actions.push({
      kind,
      trackId: query.trackId,
      invoiceId,
      at: Date.now(),
      status,
    });
  }

  /** One round over the payments awaiting payment. */
  async round(replicaUrls: string[]) {
    const awaiting = [...this.zibal.payments.values()].filter(
      p => p.status === -1 && !this.#handled.has(p.trackId),
    );
    for (const payment of awaiting) {
      this.#handled.add(payment.trackId);
      const trackId = String(payment.trackId);
      const orderId = payment.orderId ?? '';
      const paid = { trackId, success: '1', status: '2', orderId };
      const dice = this.random();
      if (dice < 0.45) {
        this.zibal.pay(trackId);
        this.#paid.push({ trackId: payment.trackId, orderId });
        // Half the time the browser and a retry arrive at two replicas at once.
        await Promise.all([
          this.#callback('pay', paid, orderId),
          ...(this.random() < 0.5
            ? [this.#callback('replay', paid, orderId, replicaUrls[0])]
            : []),
        ]);
      } else if (dice < 0.55) {
        this.zibal.pay(trackId, payment.amount - 1000);
        await this.#callback('pay-wrong-amount', paid, orderId);
      } else if (dice < 0.65) {
        // Claims success for a payment nobody made; the payer pays later.
        await this.#callback('forge-unpaid', paid, orderId);
        this.#handled.delete(payment.trackId);
      } else if (dice < 0.7) {
        await this.#callback(
          'forge-unknown-track',
          { ...paid, trackId: String(9_000_000_000 + payment.trackId) },
          undefined,
        );
      } else if (dice < 0.75) {
        const other = [...this.zibal.payments.values()].find(
          p => p.orderId && p.orderId !== orderId,
        );
        if (other?.orderId) {
          await this.#callback(
            'forge-other-order',
            { ...paid, orderId: other.orderId },
            other.orderId,
          );
        }
      } else if (dice < 0.85) {
        this.zibal.cancel(trackId);
        await this.#callback(
          'cancel',
          { trackId, success: '0', status: '3', orderId },
          orderId,
        );
      }
      // else: left awaiting payment.
    }
    // An old callback arrives again.
    if (this.#paid.length > 0 && this.random() < 0.5) {
      const old = this.#paid[Math.floor(this.random() * this.#paid.length)];
      await this.#callback(
        'replay',
        {
          trackId: String(old.trackId),
          success: '1',
          status: '2',
          orderId: old.orderId ?? '',
        },
        old.orderId,
      );
    }
  }
}
