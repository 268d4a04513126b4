// @ts-nocheck
import { resolveLocale } from '../../lambdas/domain/locale';

describe('resolveLocale', () => {
  it.each([
    ['de', 'de', 'de'],
    ['de-DE', 'de-DE', 'de'],
    ['de-AT', 'de-AT', 'de'],
    ['de_at', 'de-AT', 'de'],
    ['DE-ch', 'de-CH', 'de'],
    ['en', 'en', 'en'],
    ['en-GB', 'en-GB', 'en'],
    ['EN_us', 'en-US', 'en'],
  ])('%j -> tag %j, %s text', (input, tag, language) => {
    expect(resolveLocale(input)).toEqual({ tag, language });
  });

  it.each(['xx-YY', 'fr-FR', 'tr', '!!!', '', 'de-', '12345678901', 'de--AT', undefined])(
    '%j falls back to English text and English formatting',
    (input) => {
      expect(resolveLocale(input)).toEqual({ tag: 'en', language: 'en' });
    },
  );
});
