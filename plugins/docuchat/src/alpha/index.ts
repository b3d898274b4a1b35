/**
 * The DocuChat plugin for apps on the new frontend system.
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export {
  docuchatTranslationRef,
  docuchatEntityPagesTranslationRef,
} from './translation';
