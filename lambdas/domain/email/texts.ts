import type { Language } from '../locale';

/**
 * Customer-facing email texts, one catalogue per supported language.
 *
 * Every catalogue implements {@link EmailTexts}, so a key missing (or misspelt) in one language is a compile error,
 * and `TEXTS` is keyed by {@link Language}, so adding a language to locale.ts without texts is one too.
 *
 * Texts are plain text, never HTML: the renderer escapes them for the HTML part. A {@link Template} receives its
 * values already formatted (money, dates) and must only concatenate them; it must not inspect or transform them,
 * because for the HTML part the renderer passes opaque placeholders and fills in the escaped values afterwards.
 */
export type Template<P extends string> = (values: Readonly<Record<P, string>>) => string;

export interface EmailTexts {
  // Shared by both emails.
  readonly greeting: string;
  /** Expiry moment: date (dateStyle long), time (timeStyle short) and the time zone's short name. */
  readonly dateTime: Template<'date' | 'time' | 'zone'>;
  readonly validUntilLabel: string;
  readonly howToUseHeading: string;
  readonly howToUse: string;
  readonly rulesHeading: string;
  readonly ruleAccountBound: string;
  readonly ruleNoCash: string;
  readonly rulePlatformOnly: string;
  readonly rulePartialUse: string;
  readonly ruleLapse: Template<'dateTime'>;
  readonly signOff: string;
  readonly signature: string;
  readonly footer: string;

  // CREDIT_ISSUED
  readonly issuedSubject: Template<'amount'>;
  readonly issuedHeading: string;
  readonly issuedIntro: Template<'amount'>;
  readonly issuedAmountLabel: string;
  readonly issuedReasonLabel: string;

  // EXPIRY_REMINDER
  readonly reminderSubject: Template<'amount' | 'date'>;
  readonly reminderHeading: string;
  readonly reminderIntro: Template<'amount' | 'dateTime'>;
  readonly reminderAmountLabel: string;
  readonly reminderCallToAction: string;
}

const de: EmailTexts = {
  greeting: 'Guten Tag,',
  dateTime: (v) => `${v.date} um ${v.time} Uhr (${v.zone})`,
  validUntilLabel: 'Gültig bis',
  howToUseHeading: 'So lösen Sie Ihr Guthaben ein',
  howToUse:
    'Bei Ihrem nächsten Einkauf auf unserer Plattform wird Ihnen das Guthaben an der Kasse automatisch angeboten. ' +
    'Sie müssen dafür keinen Code eingeben.',
  rulesHeading: 'Gut zu wissen',
  ruleAccountBound: 'Das Guthaben ist an Ihr Kundenkonto gebunden und nicht auf ein anderes Konto übertragbar.',
  ruleNoCash: 'Eine Auszahlung in bar ist nicht möglich.',
  rulePlatformOnly: 'Das Guthaben kann nur auf unserer Plattform eingelöst werden.',
  rulePartialUse: 'Sie können das Guthaben auf mehrere Einkäufe verteilen; verrechnet wird jeweils nur der benötigte Betrag.',
  ruleLapse: (v) => `Nicht eingelöstes Guthaben verfällt am ${v.dateTime} ersatzlos.`,
  signOff: 'Mit freundlichen Grüßen',
  signature: 'Ihr Kundenservice',
  footer: 'Diese E-Mail wurde automatisch versendet. Bitte antworten Sie nicht darauf.',

  issuedSubject: (v) => `Ihre Kulanzgutschrift über ${v.amount}`,
  issuedHeading: 'Ihre Kulanzgutschrift',
  issuedIntro: (v) =>
    `als Zeichen unseres Entgegenkommens haben wir Ihrem Kundenkonto eine Kulanzgutschrift über ${v.amount} gutgeschrieben.`,
  issuedAmountLabel: 'Betrag',
  issuedReasonLabel: 'Anlass',

  reminderSubject: (v) => `Ihr Guthaben von ${v.amount} verfällt am ${v.date}`,
  reminderHeading: 'Ihr Guthaben verfällt bald',
  reminderIntro: (v) => `auf Ihrem Kundenkonto ist noch ein Guthaben von ${v.amount} verfügbar. Es verfällt am ${v.dateTime}.`,
  reminderAmountLabel: 'Verfügbares Guthaben',
  reminderCallToAction: 'Nutzen Sie es bei Ihrem nächsten Einkauf, danach kann es nicht mehr eingelöst werden.',
};

const en: EmailTexts = {
  greeting: 'Hello,',
  dateTime: (v) => `${v.date} at ${v.time} (${v.zone})`,
  validUntilLabel: 'Valid until',
  howToUseHeading: 'How to use your credit',
  howToUse:
    'The next time you shop on our platform, your credit is offered to you automatically at checkout. ' +
    'There is no code to enter.',
  rulesHeading: 'Good to know',
  ruleAccountBound: 'The credit is tied to your customer account and cannot be transferred to another account.',
  ruleNoCash: 'The credit cannot be paid out in cash.',
  rulePlatformOnly: 'The credit can only be used on our platform.',
  rulePartialUse: 'You can spread the credit over several purchases; each time, only the amount needed is deducted.',
  ruleLapse: (v) => `Any amount not used by ${v.dateTime} lapses without replacement.`,
  signOff: 'Kind regards',
  signature: 'Your customer service team',
  footer: 'This email was sent automatically. Please do not reply to it.',

  issuedSubject: (v) => `Your courtesy credit of ${v.amount}`,
  issuedHeading: 'Your courtesy credit',
  issuedIntro: (v) => `As a gesture of goodwill, we have added a courtesy credit of ${v.amount} to your customer account.`,
  issuedAmountLabel: 'Amount',
  issuedReasonLabel: 'Reason',

  reminderSubject: (v) => `Your credit of ${v.amount} expires on ${v.date}`,
  reminderHeading: 'Your credit expires soon',
  reminderIntro: (v) => `You still have a credit of ${v.amount} on your customer account. It expires on ${v.dateTime}.`,
  reminderAmountLabel: 'Available credit',
  reminderCallToAction: 'Use it on your next purchase; after that it can no longer be redeemed.',
};

export const TEXTS: Readonly<Record<Language, EmailTexts>> = { de, en };
