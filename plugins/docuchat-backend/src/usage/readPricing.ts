import { Config } from '@backstage/config';
import { UsagePricing } from './UsagePricing';

/**
 * The prices of `docuchat.pricing` (see config.d.ts). Invalid prices stop
 * the backend at start-up rather than producing wrong invoices later.
 */
export function readPricing(config: Config): UsagePricing {
  const pricing = config.getOptionalConfig('docuchat.pricing');
  try {
    return new UsagePricing({
      defaultRialsPer1kTokens: pricing?.getOptionalNumber(
        'defaultRialsPer1kTokens',
      ),
      localRialsPer1kTokens: pricing?.getOptionalNumber(
        'localRialsPer1kTokens',
      ),
      models: pricing?.getOptionalConfigArray('models')?.map(entry => ({
        model: entry.getString('model'),
        promptRialsPer1kTokens: entry.getNumber('promptRialsPer1kTokens'),
        completionRialsPer1kTokens: entry.getNumber(
          'completionRialsPer1kTokens',
        ),
      })),
    });
  } catch (error) {
    throw new Error(`Invalid docuchat.pricing: ${(error as Error).message}`);
  }
}
