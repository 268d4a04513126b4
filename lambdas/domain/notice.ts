/** Which email a notice records: the credit's issuance email or its expiry reminder, each sent once per credit. */
export const NOTICE = { ISSUED: 'ISSUED', REMINDER: 'REMINDER' } as const;
export type NoticeKind = (typeof NOTICE)[keyof typeof NOTICE];
