import { useApiHolder } from '@backstage/core-plugin-api';
import {
  appLanguageApiRef,
  TranslationFunction,
  TranslationRef,
  useTranslationRef,
} from '@backstage/frontend-plugin-api';
import { useMemo } from 'react';
import useObservable from 'react-use/esm/useObservable';
import { docuchatEntityPagesTranslationRef } from '../../translations/entityPages';
import { createFormatters, directionOf, Formatters } from './formatting';

type EntityPagesMessages =
  typeof docuchatEntityPagesTranslationRef extends TranslationRef<
    string,
    infer Messages
  >
    ? Messages
    : never;

/**
 * What DocuChat's cards need to speak the app's language. Declared, not
 * inferred: writing the inferred type of `t` out costs the compiler gigabytes.
 */
export interface EntityPagesI18n {
  t: TranslationFunction<EntityPagesMessages>;
  format: Formatters;
  language: string;
  dir: 'rtl' | 'ltr';
}

const NO_LANGUAGE = {
  getLanguage: () => ({ language: 'en' }),
  language$: () => ({
    subscribe: () => ({ unsubscribe: () => {} }),
  }),
};

/**
 * Messages, number formatters and the writing direction of DocuChat's cards,
 * following the app's language (English when the app has no language API).
 */
export function useEntityPagesI18n(): EntityPagesI18n {
  const { t } = useTranslationRef(docuchatEntityPagesTranslationRef);
  const languageApi = useApiHolder().get(appLanguageApiRef) ?? NO_LANGUAGE;
  const current = useObservable(
    languageApi.language$() as any,
    languageApi.getLanguage(),
  ) as { language: string };
  const language = current?.language ?? 'en';
  const format = useMemo(() => createFormatters(language), [language]);
  return { t, format, language, dir: directionOf(language) };
}
