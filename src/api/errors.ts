import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CofferError, type ErrorCode, errorCodes, type FieldError } from '../domain/errors.js';
import { maskCardNumbers } from '../domain/text-screen.js';

/** The one table from error code to HTTP status. */
export const statusOf: Readonly<Record<ErrorCode, number>> = {
  validation_failed: 400,
  malformed_json: 400,
  body_too_large: 413,
  unsupported_media_type: 415,
  route_not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  rate_limited: 429,
  request_timeout: 408,
  service_unavailable: 503,
  internal_error: 500,
  currency_code_invalid: 400,
  currency_fraction_invalid: 400,
  iso_currency_unknown: 404,
  currency_inactive: 422,
  currency_mismatch: 422,
  amount_invalid: 400,
  amount_too_large: 400,
  balance_overflow: 422,
  insufficient_funds: 422,
  same_wallet: 422,
  wallet_blocked: 422,
  wallet_closed: 422,
  system_wallet_not_allowed: 422,
  system_account_kind: 422,
  system_account_unknown: 422,
  system_account_exists: 409,
  external_id_conflict: 409,
  main_wallet_conflict: 409,
  metadata_too_large: 400,
  wallet_not_virtual_parent: 422,
  credit_limit_below_debt: 422,
  transaction_not_reversible: 422,
  reversal_exceeds_original: 422,
  adjustment_reason_required: 400,
  fee_invalid: 400,
  hold_not_pending: 409,
  capture_exceeds_hold: 422,
  hold_expiry_invalid: 400,
  pending_credit_not_pending: 409,
  settle_exceeds_pending_credit: 422,
  payout_not_pending: 409,
  wallet_not_empty: 422,
  wallet_has_open_holds: 422,
  wallet_has_virtual_wallets: 422,
  card_limit_reached: 409,
  card_frozen: 422,
  card_destroyed: 422,
  card_expired: 422,
  instrument_kind_unavailable: 422,
  instrument_limit_reached: 409,
  rate_invalid: 400,
  rate_not_found: 404,
  same_currency: 422,
  exchange_amount_too_small: 422,
  quote_expired: 422,
  quote_used: 409,
  quote_mismatch: 422,
  batch_too_large: 400,
  batch_item_failed: 422,
  idempotency_key_invalid: 400,
  idempotency_key_reused: 422,
  request_in_progress: 409,
  webhook_url_invalid: 400,
  webhook_destination_private: 422,
  webhook_delivery_pending: 409,
};

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail: string;
  readonly instance?: string;
  readonly requestId?: string;
  readonly errors?: readonly FieldError[];
  readonly currencyId?: string;
  readonly currencyCode?: string;
}

export function problemBody(error: CofferError, request?: FastifyRequest): ProblemBody {
  return {
    type: `https://coffer.dev/errors#${error.code}`,
    title: errorCodes[error.code],
    status: statusOf[error.code],
    code: error.code,
    // Details, paths and field names can quote the request: never echo a card number from it.
    detail: maskCardNumbers(error.detail),
    ...(request !== undefined ? { instance: maskCardNumbers(request.url.split('?')[0] as string), requestId: String(request.id) } : {}),
    ...(error.errors !== undefined
      ? { errors: error.errors.map((item) => ({ field: maskCardNumbers(item.field), message: maskCardNumbers(item.message) })) }
      : {}),
    ...(error.currency !== undefined ? { currencyId: error.currency.id, currencyCode: error.currency.code } : {}),
  };
}

export function sendProblem(reply: FastifyReply, error: CofferError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) void reply.header('Retry-After', String(error.retryAfterSeconds));
  return reply
    .code(statusOf[error.code])
    .type('application/problem+json')
    .send(JSON.stringify(problemBody(error, reply.request)));
}

interface ValidationIssue {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

function fieldOf(issue: ValidationIssue, part: string | undefined): string {
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const extra =
    issue.keyword === 'required'
      ? String(issue.params.missingProperty)
      : issue.keyword === 'additionalProperties'
        ? String(issue.params.additionalProperty)
        : '';
  const field = [path, extra].filter(Boolean).join('.');
  return field === '' ? (part ?? 'body') : field;
}

/** Turns framework errors (validation, body parsing, limits) into the catalogue's codes. */
export function toCofferError(error: FastifyError & { validation?: ValidationIssue[]; validationContext?: string }): CofferError | null {
  if (error instanceof CofferError) return error;
  if (error.validation !== undefined) {
    const errors = error.validation.map((issue) => ({
      field: fieldOf(issue, error.validationContext),
      message: issue.keyword === 'additionalProperties' ? 'unknown field' : (issue.message ?? issue.keyword),
    }));
    const where = error.validationContext ?? 'request';
    const first = errors[0];
    return new CofferError('validation_failed', `Invalid ${where}${first !== undefined ? `: ${first.field} ${first.message}` : ''}.`, errors);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new CofferError('body_too_large', 'The request body is larger than the server accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new CofferError('unsupported_media_type', 'Send the body as application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new CofferError('malformed_json', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new CofferError('validation_failed', 'The Content-Length header does not match the body.');
    default:
      break;
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return new CofferError('malformed_json', 'The request body is not valid JSON.');
  }
  if (error.statusCode === 408 || error.code === 'FST_ERR_REQUEST_TIMEOUT') return new CofferError('request_timeout');
  if (error.statusCode === 429) return new CofferError('rate_limited');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new CofferError('validation_failed', 'The request could not be read.');
  }
  return null;
}
