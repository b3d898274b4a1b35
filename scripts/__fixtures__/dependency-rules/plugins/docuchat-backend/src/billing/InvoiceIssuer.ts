// Imports that point down: allowed.
import { InvoiceStore } from '../database/InvoiceStore';
import { UsagePricing } from '../usage/UsagePricing';

export async function issue(store: InvoiceStore, pricing: UsagePricing) {
  await store.billDay('2026-12-01', pricing);
}
