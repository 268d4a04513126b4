/**
 * Every error a caller can see carries a stable `code` it can branch on.
 * Codes are part of the public contract (docs/contracts.md "Errors"): never rename one.
 */
export const ERROR_CODES = {
  /** The request or event does not match the contract (missing/extra field, wrong type, too long). */
  INVALID_INPUT: { retryable: false },
  /** Not an ISO 4217 currency code. */
  UNSUPPORTED_CURRENCY: { retryable: false },
  /** Amount is not a positive whole number of minor units, or above the configured maximum. */
  AMOUNT_OUT_OF_RANGE: { retryable: false },
  /** Validity is outside 30..365 days. */
  VALIDITY_OUT_OF_RANGE: { retryable: false },
  /** Not a usable email address. */
  INVALID_EMAIL: { retryable: false },
  /** Same complaint granted before with different content: refused, investigate. */
  GRANT_CONFLICT: { retryable: false },
  /** A configured issuance cap would be exceeded (`details.cap` names it, see domain/caps.ts); a GrantRefused event tells the complaint service. */
  GRANT_CAP_EXCEEDED: { retryable: false },
  /** Idempotency key reused with a different request. */
  IDEMPOTENCY_KEY_REUSED: { retryable: false },
  /** The redemption does not exist for this customer. */
  REDEMPTION_NOT_FOUND: { retryable: false },
  /** The redemption was reversed before. */
  REDEMPTION_ALREADY_REVERSED: { retryable: false },
  /** The request's currency differs from the record it refers to. */
  CURRENCY_MISMATCH: { retryable: false },
  // --- The payment flow: eligibility, holds, captures, releases, refunds (issue 10) ---
  /** No line of the purchase is of a category courtesy credit may pay for (gift cards, top-ups, cash-like). */
  INELIGIBLE_PURCHASE: { retryable: false },
  /** A hold's requested lifetime is outside the configured range. */
  HOLD_LIFETIME_OUT_OF_RANGE: { retryable: false },
  /** The hold does not exist for this customer (never placed, placed for someone else, or removed after expiry). */
  HOLD_NOT_FOUND: { retryable: false },
  /** The hold was captured in full, finally captured, released, or its lifetime has passed. */
  HOLD_NOT_ACTIVE: { retryable: false },
  /** A capture asks for more than the hold still holds. */
  CAPTURE_EXCEEDS_HOLD: { retryable: false },
  /** The redemption or capture to refund does not exist for this customer. */
  REFUND_TARGET_NOT_FOUND: { retryable: false },
  /** A refund asks for more than what is left of the redemption or capture after earlier refunds. */
  REFUND_EXCEEDS_CAPTURED: { retryable: false },
  /** No such credit for this customer (void). */
  CREDIT_NOT_FOUND: { retryable: false },
  /** The credit has lapsed: nothing is left to void. */
  CREDIT_EXPIRED: { retryable: false },
  /** The credit was voided before under another void key. */
  CREDIT_ALREADY_VOIDED: { retryable: false },
  /**
   * The write would touch more credits than one atomic transaction holds (a hold or redemption over more credits than
   * today's limit, stored before it): capture without `final` then release, or refund in smaller parts.
   */
  TOO_MANY_CREDITS: { retryable: false },
  // --- Approval above a threshold (issue 11.2) ---
  /** No pending grant with that id (or complaint) for this customer. */
  PENDING_GRANT_NOT_FOUND: { retryable: false },
  /** The approver is the grant's issuer (maker-checker: someone else must approve or decline it). */
  APPROVER_IS_ISSUER: { retryable: false },
  /** The pending grant was approved or declined before (`details.decision` says how). */
  GRANT_ALREADY_DECIDED: { retryable: false },
  /** The pending grant's deadline passed undecided: it is (being) declined as EXPIRED, it can no longer be approved. */
  PENDING_GRANT_EXPIRED: { retryable: false },
  /** Too many concurrent writers on this customer's credits; retry with the same idempotency key. */
  CONCURRENT_MODIFICATION: { retryable: true },
  /** Unexpected failure; safe to retry with the same idempotency key. */
  INTERNAL: { retryable: true },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class CreditError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    // The code doubles as the error's name, so Lambda's failure records (errorType) and stack traces carry it.
    this.name = code;
    this.code = code;
    this.retryable = ERROR_CODES[code].retryable;
    this.details = details;
  }

  toJSON(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
}
