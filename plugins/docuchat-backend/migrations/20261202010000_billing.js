// @ts-check

/**
 * Daily billing (2026-12-02): runs, billed days, invoices and their lines.
 *
 * Exactly once: a billing day is billed in one transaction that writes its
 * `docuchat_billing_days` row (primary key: the day) together with the
 * invoices and lines, under a lock held by one backend at a time. The lines
 * are the record of what was billed: per (tenant, usage day, model) the
 * tokens and Rials of live (non-void) invoices' lines. Usage that settles
 * after its day was billed is the difference between the ledger's sum and
 * the billed sum, and goes on the next invoice as an adjustment line; no
 * ledger row is ever updated by billing (one million rows a day stay
 * untouched, see bench/billing.ts).
 *
 * At most one live invoice per (tenant, period): a unique index that leaves
 * out void invoices.
 *
 * Timestamps: timestamptz on PostgreSQL, integer epoch milliseconds on
 * SQLite, as the usage ledger writes them (src/database/dialect.ts).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('docuchat_billing_state', table => {
    table.comment('One row: when billing was installed');
    table.integer('id').primary();
    table
      .timestamp('installed_at', { useTz: true })
      .notNullable()
      .comment('Its billing day is the default first billable day');
  });
  await knex('docuchat_billing_state').insert({
    id: 1,
    installed_at: knex.client.config.client === 'pg' ? new Date() : Date.now(),
  });

  await knex.schema.createTable('docuchat_billing_runs', table => {
    table.comment('One row per billing run (scheduled, manual, start-up)');
    table.string('id', 36).primary();
    table.string('trigger', 16).notNullable().comment('schedule|manual|demo');
    table.string('requested_by', 255).nullable();
    table.string('from_day', 10).notNullable();
    table.string('to_day', 10).notNullable();
    table
      .string('outcome', 16)
      .notNullable()
      .comment('running|succeeded|partial|failed|skipped');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.integer('days_billed').notNullable().defaultTo(0);
    table.integer('invoices_issued').notNullable().defaultTo(0);
    table.integer('invoices_carried').notNullable().defaultTo(0);
    table.bigInteger('billed_rials').notNullable().defaultTo(0);
    table.integer('links_created').notNullable().defaultTo(0);
    table.integer('emails_sent').notNullable().defaultTo(0);
    table.text('errors').notNullable().defaultTo('[]').comment('JSON array');
    table.text('drift').nullable().comment('JSON drift report');
    table.index(['started_at'], 'docuchat_billing_runs_started_idx');
  });

  await knex.schema.createTable('docuchat_billing_days', table => {
    table.comment('Billing days already billed: one row per day, once');
    table.string('day', 10).primary().comment('YYYY-MM-DD, billing timezone');
    table.string('run_id', 36).notNullable();
    table
      .timestamp('billed_at', { useTz: true })
      .notNullable()
      .comment('Late usage is looked for among rows settled since then');
  });

  await knex.schema.createTable('docuchat_invoices', table => {
    table.comment('Invoices: one live invoice per tenant and billing day');
    table.string('id', 36).primary();
    table
      .string('tenant_id', 63)
      .notNullable()
      .references('id')
      .inTable('docuchat_tenants');
    table.string('period', 10).notNullable().comment('Billing day YYYY-MM-DD');
    table
      .string('status', 16)
      .notNullable()
      .comment('issued|paid|failed|expired|carried|void');
    table.bigInteger('amount_rials').notNullable().comment('Sum of lines');
    table.string('run_id', 36).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table
      .string('carried_into', 36)
      .nullable()
      .comment('carried/expired: the invoice that took over the amount');
    table.string('track_id', 64).nullable().comment('Current payment trackId');
    table.string('payment_url', 255).nullable();
    table.timestamp('link_created_at', { useTz: true }).nullable();
    table.text('payment_error').nullable();
    table.timestamp('payment_claimed_until', { useTz: true }).nullable();
    table.timestamp('paid_at', { useTz: true }).nullable();
    table.string('ref_number', 64).nullable();
    table.string('card_number', 32).nullable();
    table.timestamp('email_sent_at', { useTz: true }).nullable();
    table.integer('email_attempts').notNullable().defaultTo(0);
    table.text('email_error').nullable();
    table.timestamp('email_claimed_until', { useTz: true }).nullable();
    table.text('void_reason').nullable();
    table.string('voided_by', 255).nullable();
    table.timestamp('voided_at', { useTz: true }).nullable();
    table.timestamp('expired_at', { useTz: true }).nullable();
    table.index(['tenant_id', 'created_at'], 'docuchat_invoices_tenant_idx');
    table.index(['status'], 'docuchat_invoices_status_idx');
    table.index(['track_id'], 'docuchat_invoices_track_idx');
  });
  await knex.schema.alterTable('docuchat_invoices', table => {
    table.check(
      "status in ('issued', 'paid', 'failed', 'expired', 'carried', 'void')",
      [],
      'docuchat_invoices_status_ck',
    );
    table.check('amount_rials >= 0', [], 'docuchat_invoices_amount_ck');
  });
  // The database, not only the code, keeps one live invoice per period.
  await knex.raw(
    `create unique index docuchat_invoices_live_period_uq
       on docuchat_invoices (tenant_id, period) where status <> 'void'`,
  );

  await knex.schema.createTable('docuchat_invoice_lines', table => {
    table.comment('Invoice lines; prices frozen when the line was written');
    table.increments('id').primary();
    table
      .string('invoice_id', 36)
      .notNullable()
      .references('id')
      .inTable('docuchat_invoices');
    table.string('tenant_id', 63).notNullable();
    table
      .string('kind', 16)
      .notNullable()
      .comment('usage|adjustment (late usage of usage_day)|carried');
    table.string('usage_day', 10).nullable();
    table.string('model', 255).nullable();
    table.bigInteger('prompt_tokens').notNullable().defaultTo(0);
    table.bigInteger('completion_tokens').notNullable().defaultTo(0);
    table.integer('prompt_rials_per_1k').notNullable().defaultTo(0);
    table.integer('completion_rials_per_1k').notNullable().defaultTo(0);
    table.bigInteger('amount_rials').notNullable();
    table
      .string('source_invoice_id', 36)
      .nullable()
      .comment('carried: the invoice whose amount this line carries');
    table.index(['invoice_id'], 'docuchat_invoice_lines_invoice_idx');
    table.index(['tenant_id', 'usage_day'], 'docuchat_invoice_lines_day_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('docuchat_invoice_lines');
  await knex.schema.dropTable('docuchat_invoices');
  await knex.schema.dropTable('docuchat_billing_days');
  await knex.schema.dropTable('docuchat_billing_runs');
  await knex.schema.dropTable('docuchat_billing_state');
};
