/** Every limit Coffer enforces, in one place. Units go last in names. */
export const limits = {
  /** Largest amount of one movement: 2^63-1 minor units. */
  amountMax: 2n ** 63n - 1n,
  /** Largest balance counter: counters are stored as numeric(39,0), like TigerBeetle's u128. */
  counterMax: 2n ** 127n - 1n,
  /** Largest fraction: 10^18 minor units per unit. */
  fractionMax: 10n ** 18n,
  pageSizeDefault: 50,
  pageSizeMax: 500,
  batchItemsMax: 5000,
  bodyBytesMax: 10 * 1024 * 1024,
  metadataKeysMax: 50,
  metadataKeyLengthMax: 40,
  metadataValueLengthMax: 500,
  externalIdLengthMax: 40,
  idempotencyKeyLengthMax: 255,
  idempotencyTtlHours: 24,
  /**
   * The lease of an in-flight Idempotency-Key claim: renewed every `idempotencyLeaseRenewMs` while
   * its request runs, so a claim whose lease ended was left by a process that died and is taken over.
   */
  idempotencyInFlightTimeoutMs: 3_000,
  idempotencyLeaseRenewMs: 1_000,
  /** Most Idempotency-Key claims written by one statement (concurrent requests share it). */
  idempotencyClaimBatchMax: 256,
  /** A valid API key is remembered this long by each process (a revocation reaches other processes within it). */
  apiKeyCacheMs: 2_000,
  apiKeyCacheMsMax: 60_000,
  feesPerTransactionMax: 10,
  textLengthMax: 500,
  nameLengthMax: 200,
  requestTimeoutMs: 30_000,
  /** A hold without `expiresAt` is released automatically after this long (7 days). */
  holdLifetimeDefaultMs: 7 * 24 * 3_600_000,
  /** The latest `expiresAt` a hold may ask for, counted from its creation (30 days). */
  holdLifetimeMaxMs: 30 * 24 * 3_600_000,
  /** How often the server looks for due holds, and how many it releases per look. */
  holdExpiryIntervalMs: 1_000,
  holdExpiryBatchMax: 500,
  /** Active cards per wallet unless its program allows more. */
  activeCardsPerWalletMax: 1,
  /** Deepest nesting of arrays and objects accepted in a JSON request body. */
  jsonDepthMax: 32,
  /** Default per-key rate limits (COFFER_RATE_LIMIT_PER_MINUTE, COFFER_RATE_LIMIT_MONEY_PER_MINUTE). */
  rateLimitPerMinute: 1200,
  rateLimitMoneyPerMinute: 300,
  /** Group commit: how long a request may wait for neighbours (only while another group runs). */
  groupCommitWaitMs: 1,
  groupCommitWaitMsMax: 20,
  /** Group commit: requests per database transaction; each writing one takes a subtransaction, and PostgreSQL caches 64 per backend. */
  groupCommitSizeMax: 32,
  /** Group commit: database transactions committing at the same time. */
  groupCommitConcurrencyMax: 4,
  /** A rate has at most this many significant digits, this many digits after the point, and this many characters. */
  rateSignificantDigitsMax: 18,
  rateScaleMax: 36,
  rateTextLengthMax: 64,
  /** How long a quote locks its rate unless COFFER_QUOTE_TTL_SECONDS says otherwise. */
  quoteTtlSecondsDefault: 30,
  quoteTtlSecondsMax: 3600,
} as const;
