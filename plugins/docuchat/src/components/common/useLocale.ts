import {
  appLanguageApiRef,
  useApiHolder,
} from '@backstage/frontend-plugin-api';
import { useMemo } from 'react';
import useObservable from 'react-use/esm/useObservable';

const RIGHT_TO_LEFT = new Set(['fa', 'ar', 'he', 'ur']);

/**
 * The app's language, the direction DocuChat's own layout takes in it (the
 * rest of Backstage stays left to right), and number and date formats of
 * that language: Persian digits in Persian.
 */
export function useLocale() {
  const languageApi = useApiHolder().get(appLanguageApiRef);
  const fallback = { language: languageApi?.getLanguage().language ?? 'en' };
  const { language } = useObservable(
    useMemo(
      () =>
        languageApi?.language$() ?? {
          subscribe: () => ({ unsubscribe() {} }),
        },
      [languageApi],
    ) as any,
    fallback,
  ) as { language: string };
  return useMemo(() => {
    const numbers = new Intl.NumberFormat(language);
    const dates = new Intl.DateTimeFormat(language, {
      dateStyle: 'medium',
      timeStyle: 'short',
    });
    return {
      language,
      dir: RIGHT_TO_LEFT.has(language.split('-')[0]) ? 'rtl' : 'ltr',
      formatNumber: (n: number) => numbers.format(n),
      formatDate: (iso: string) => dates.format(new Date(iso)),
    } as const;
  }, [language]);
}
