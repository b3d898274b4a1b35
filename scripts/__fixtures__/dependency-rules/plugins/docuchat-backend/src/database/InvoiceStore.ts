// The deliberately wrong import: the bottom (a store) names a type from
// above it. `bottom-imports-no-other-folder` must refuse it.
import { UsagePricing } from '../usage/UsagePricing';

export interface InvoiceStore {
  billDay(day: string, pricing: UsagePricing): Promise<void>;
}
