import { docuchatTranslationRef } from '../translation';
import { docuchatEntityPagesTranslationRef } from '../translations/entityPages';

/*
 * Both refs carry their Persian texts, so an app offers Persian by listing
 * `fa` in `api:app/app-language`'s `availableLanguages`; an app that wants
 * other wording registers a `TranslationBlueprint` for these refs.
 */
export { docuchatTranslationRef, docuchatEntityPagesTranslationRef };
