/**
 * The DocuChat plugin for apps on the new frontend system.
 *
 * @packageDocumentation
 */
// report-alpha.api.md shows `any` inside this plugin's type: it is
// Backstage's own `catalog.entity-content-icon` data ref
// (ReactElement<any, ...>, from EntityContentBlueprint), not DocuChat's.
export { default } from './plugin';
export {
  docuchatTranslationRef,
  docuchatEntityPagesTranslationRef,
} from './translation';
