/** Numbers, money and dates for people, in the locale of the UI language. */

const RIALS_PER_TOMAN = 10;

/** The Intl locale of an app language: Persian digits for `fa`. */
export function localeOf(language: string): string {
  return language === 'fa' ? 'fa-IR' : 'en-US';
}

/** Writing direction of DocuChat's own cards for an app language. */
export function directionOf(language: string): 'rtl' | 'ltr' {
  return language === 'fa' ? 'rtl' : 'ltr';
}

export interface Formatters {
  locale: string;
  /** An integer with the locale's digits and thousands separators. */
  number(value: number): string;
  /** Rials shown as Tomans (one decimal at most), without the unit. */
  tomans(rials: number): string;
  /** A day (YYYY-MM-DD), as the locale writes it. */
  day(day: string): string;
  /** An instant, as the locale writes it, in `timeZone`. */
  dateTime(iso: string, timeZone?: string): string;
}

export function createFormatters(language: string): Formatters {
  const locale = localeOf(language);
  const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const money = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const days = new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return {
    locale,
    number: value => numbers.format(value),
    tomans: rials => money.format(rials / RIALS_PER_TOMAN),
    day: day => days.format(new Date(`${day}T00:00:00Z`)),
    dateTime: (iso, timeZone) =>
      new Intl.DateTimeFormat(locale, {
        timeZone,
        dateStyle: 'short',
        timeStyle: 'short',
      }).format(new Date(iso)),
  };
}
