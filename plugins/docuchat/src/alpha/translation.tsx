import { createTranslationResource } from '@backstage/frontend-plugin-api';
import { docuchatTranslationRef } from '../translation';

export { docuchatTranslationRef };

/**
 * The DocuChat texts in every language beyond English; apps register it with
 * `TranslationBlueprint` (from `@backstage/plugin-app-react`).
 *
 * @alpha
 */
export const docuchatTranslations = createTranslationResource({
  ref: docuchatTranslationRef,
  translations: { fa: () => import('../translations/fa') },
});
