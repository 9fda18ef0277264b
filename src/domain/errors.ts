/**
 * The catalogue of operating errors: every code Coffer can answer with, listed once.
 * Codes are stable API: never renamed, never reused for another meaning. The HTTP status of
 * each code is chosen in one table at the edge (`src/api/errors.ts`), not here.
 */
export const errorCodes = {
  validation_failed: 'The request does not match the schema: see `errors[]` for the fields.',
  malformed_json: 'The request body is not valid JSON.',
  body_too_large: 'The request body is larger than the limit.',
  unsupported_media_type: 'The request body must be application/json.',
  route_not_found: 'No route matches this method and path.',
  unauthorized: 'The API key is missing, unknown or revoked.',
  forbidden: 'The API key may not do this (role or scope).',
  not_found: 'The object does not exist (or belongs to another merchant).',
  rate_limited: 'Too many requests for this API key; retry after the time in Retry-After.',
  request_timeout: 'The request took longer than the server allows.',
  service_unavailable: 'The server is starting or draining, or its database is unavailable or failing over; retry after the time in Retry-After.',
  internal_error: 'An unexpected error; nothing was changed. Retry with the same Idempotency-Key.',

  currency_code_invalid: 'A currency code is 1 to 12 characters of A-Z, 0-9 and _.',
  currency_fraction_invalid: 'A fraction is a power of ten from 1 to 10^18.',
  iso_currency_unknown: 'The code is not in the shipped ISO 4217 table.',
  currency_inactive: 'The currency is inactive: its wallets cannot move money and no wallet can be created in it.',
  currency_mismatch: 'The wallets of this operation are in different currencies.',

  amount_invalid: 'An amount is a whole, positive number of minor units, as a string of digits.',
  amount_too_large: 'An amount is at most 2^63-1 minor units.',
  balance_overflow: 'The operation would take a balance counter beyond what Coffer can hold.',
  insufficient_funds: 'The wallet does not have the available balance (plus credit limit) for this debit.',
  same_wallet: 'The source and the target wallet are the same.',
  wallet_blocked: 'The wallet is blocked: it can neither send nor receive.',
  wallet_closed: 'The wallet is closed: nothing can move on it any more.',
  system_wallet_not_allowed: 'System accounts cannot be used directly in this operation.',
  system_account_kind:
    'The built-in system accounts (issuing, settlement, fees, fx) move money only through their own kinds: a top-up, a withdrawal, an adjustment, fees or an exchange, never a transfer.',
  system_account_unknown: 'The currency has no system account of this type.',
  system_account_exists: 'The currency already has a system account of this type.',
  external_id_conflict: 'Another wallet of this merchant already has this externalId with different fields.',
  main_wallet_conflict: 'The customer already has a main wallet in this currency.',
  metadata_too_large: 'Metadata is a small map of strings: see the documented limits.',
  wallet_not_virtual_parent:
    'The parent wallet cannot hold virtual wallets (it must be an active, non-virtual client wallet of the same merchant, currency and customer).',
  credit_limit_below_debt: 'The wallet already owes more than the new creditLimit would allow: repay the debt first, or lower the limit less.',

  transaction_not_reversible: 'Only posted transactions of a money-moving kind can be reversed.',
  reversal_exceeds_original: 'The reversal is larger than what is left of the original transaction.',
  adjustment_reason_required: 'An adjustment needs a reason.',
  fee_invalid: 'A fee names a positive amount; fees go to the currency fees account.',

  hold_not_pending: 'The hold is already resolved (captured, voided or expired): it cannot be captured or voided again.',
  capture_exceeds_hold: 'A capture takes at most the held amount.',
  hold_expiry_invalid: 'A hold expires in the future and within the documented maximum lifetime.',
  pending_credit_not_pending: 'The pending credit is already settled or failed.',
  settle_exceeds_pending_credit: 'A pending credit settles for at most the announced amount.',
  payout_not_pending: 'The payout (a withdrawal with a destination) is already settled or failed.',
  wallet_not_empty: 'Only a wallet with a zero balance (posted, held and pending) can be closed.',
  wallet_has_open_holds: 'The wallet has open holds or pending credits: resolve them before closing it.',
  wallet_has_virtual_wallets: 'The wallet still has virtual wallets that are not closed: close them first.',
  card_limit_reached: 'The wallet already has its maximum number of active cards.',
  card_frozen: 'The card is frozen (by its own freeze): unfreeze it before it can authorize payments.',
  card_destroyed: 'The card is destroyed (by destroy, replace or the wallet closing): nothing more can be done with it.',
  card_expired: 'The card is past its expiration date: it can no longer authorize payments (replace it).',
  instrument_kind_unavailable: 'This kind of bank identifier cannot be issued for the wallet (no IBAN plan for its currency, or not a fiat currency).',
  instrument_limit_reached: 'The wallet already has its maximum number of bank identifiers.',
  rate_invalid: 'A rate is a positive decimal string such as "0.92": up to 18 significant digits, no sign, no exponent.',
  rate_not_found: 'No rate is set for this ordered currency pair (rates are never inverted or guessed).',
  same_currency: 'Both sides name the same currency: rates and exchanges need two different currencies (use a transfer within one).',
  exchange_amount_too_small: 'At this rate the amount converts to zero minor units of the target currency; nothing was moved.',
  quote_expired: 'The quote expired: ask for a new one.',
  quote_used: 'The quote was already used by an exchange: a quote is used at most once.',
  quote_mismatch: 'The exchange does not match its quote (currencies or amount).',

  batch_too_large: 'A batch holds at most the documented number of items.',
  batch_item_failed: 'An item of an atomic batch failed; nothing in the batch was applied.',

  idempotency_key_invalid: 'An Idempotency-Key is 1 to 255 printable ASCII characters (any of them: keys are stored hashed, never judged by their content).',
  idempotency_key_reused: 'This Idempotency-Key was used with a different request.',
  request_in_progress: 'A request with this Idempotency-Key is still running; retry after the time in Retry-After (when its lease can end).',

  webhook_url_invalid: 'A webhook URL is an absolute http(s) URL without credentials whose host resolves.',
  webhook_delivery_pending: 'The delivery is already waiting to be sent; replay it once it has succeeded or failed.',
  webhook_destination_private: 'The webhook URL points at a loopback or private address, refused unless COFFER_WEBHOOKS_ALLOW_PRIVATE=true.',
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof errorCodes;

/** One field that failed validation, named by its JSON pointer-like path. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/**
 * The currency an error is about, named by id and code together: codes are not unique (three
 * "USD" currencies are told apart by their ids), ids alone are unreadable.
 */
export interface CurrencyRef {
  readonly id: string;
  readonly code: string;
}

/** What an error may carry besides its code, detail and field errors. */
export interface CofferErrorOptions {
  readonly retryAfterSeconds?: number;
  readonly currency?: CurrencyRef;
}

/** An operating error: expected, answered with a stable code, never a 5xx. */
export class CofferError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly errors: readonly FieldError[] | undefined;
  /** Seconds the client should wait before retrying, sent as `Retry-After` (e.g. a key still in flight). */
  readonly retryAfterSeconds: number | undefined;
  /** The currency the error is about, when there is one (the problem document's `currencyId` and `currencyCode`). */
  readonly currency: CurrencyRef | undefined;

  constructor(code: ErrorCode, detail?: string, errors?: readonly FieldError[], options: CofferErrorOptions = {}) {
    super(detail ?? errorCodes[code]);
    this.name = 'CofferError';
    this.code = code;
    this.detail = detail ?? errorCodes[code];
    this.errors = errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.currency = options.currency === undefined ? undefined : { id: options.currency.id, code: options.currency.code };
  }
}

export function isCofferError(error: unknown): error is CofferError {
  return error instanceof CofferError;
}
