/** Prices: above the bottom, in usage/. */
export interface UsagePricing {
  priceOf(model: string): number;
}
