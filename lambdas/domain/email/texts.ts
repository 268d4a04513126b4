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
  /** Date-free: the expiry moment is stated once, in the facts (issued) or the intro (reminder). */
  readonly ruleLapse: string;
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
  readonly reminderIntro: string;
  readonly reminderAmountLabel: string;
  /** The one place the reminder's text states the expiry moment. */
  readonly reminderCallToAction: Template<'dateTime'>;
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
  ruleLapse: 'Guthaben, das bis zum Ende der Gültigkeit nicht eingelöst ist, verfällt.',
  signOff: 'Mit freundlichen Grüßen',
  signature: 'Ihr Kundenservice',
  footer: 'Diese E-Mail wurde automatisch versendet. Bitte antworten Sie nicht darauf.',

  issuedSubject: (v) => `Ihre Kulanzgutschrift über ${v.amount}`,
  issuedHeading: 'Ihre Kulanzgutschrift',
  issuedIntro: (v) => `als Zeichen unseres Entgegenkommens haben wir Ihrem Kundenkonto ${v.amount} gutgeschrieben.`,
  issuedAmountLabel: 'Betrag',
  issuedReasonLabel: 'Anlass',

  reminderSubject: (v) => `Ihr Guthaben von ${v.amount} verfällt am ${v.date}`,
  reminderHeading: 'Ihr Guthaben verfällt bald',
  reminderIntro: 'auf Ihrem Kundenkonto ist noch Guthaben verfügbar, das bald verfällt.',
  reminderAmountLabel: 'Verfügbares Guthaben',
  reminderCallToAction: (v) =>
    `Sie können es noch bis zum ${v.dateTime} einlösen – bei einem Einkauf oder verteilt auf mehrere. ` +
    'Was bis dahin nicht eingelöst ist, verfällt.',
};

const en: EmailTexts = {
  greeting: 'Hello,',
  dateTime: (v) => `${v.date} at ${v.time} (${v.zone})`,
  validUntilLabel: 'Valid until',
  howToUseHeading: 'How to use your credit',
  howToUse:
    'The next time you shop on our platform, your credit is offered to you automatically at checkout. ' + 'There is no code to enter.',
  rulesHeading: 'Good to know',
  ruleAccountBound: 'The credit is tied to your customer account and cannot be transferred to another account.',
  ruleNoCash: 'The credit cannot be exchanged for cash.',
  rulePlatformOnly: 'The credit can only be used on our platform.',
  rulePartialUse: 'You can use the credit across several purchases; each time, only the amount needed is deducted.',
  ruleLapse: 'Any credit not used by the end of its validity period expires.',
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
  reminderIntro: 'You still have credit on your customer account, and it expires soon.',
  reminderAmountLabel: 'Available credit',
  reminderCallToAction: (v) =>
    `You can use it until ${v.dateTime}, on a single purchase or spread over several. ` + 'Any amount not used by then expires.',
};

export const TEXTS: Readonly<Record<Language, EmailTexts>> = { de, en };
