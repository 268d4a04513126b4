/** Supported email languages. Anything else falls back to English text and English formatting. */
// @ts-nocheck

export const SUPPORTED_LANGUAGES = ['de', 'en'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const FALLBACK_LANGUAGE: Language = 'en';

export interface ResolvedLocale {
  /** The canonical BCP 47 tag used for Intl formatting, e.g. "de-AT"; "en" when the input was unusable. */
  readonly tag: string;
  /** The language the email text is written in. */
  readonly language: Language;
}

export function resolveLocale(input: string | undefined): ResolvedLocale {
  if (!input) return { tag: FALLBACK_LANGUAGE, language: FALLBACK_LANGUAGE };
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(input.replace(/_/g, '-'))[0] ?? FALLBACK_LANGUAGE;
  } catch {
    return { tag: FALLBACK_LANGUAGE, language: FALLBACK_LANGUAGE };
  }
  const lang = canonical.split('-')[0]!.toLowerCase();
  const language = (SUPPORTED_LANGUAGES as readonly string[]).includes(lang) ? (lang as Language) : FALLBACK_LANGUAGE;
  // Unknown language: write English and format English too, so text and numbers agree.
  return { tag: language === lang ? canonical : FALLBACK_LANGUAGE, language };
}
