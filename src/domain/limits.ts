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
  /** Most wallets in one POST /v1/wallets/bulk (its body stays under bodyBytesMax at a few hundred bytes each). */
  walletBulkItemsMax: 1000,
  /** Largest request body (COFFER_BODY_LIMIT_BYTES): 1 MiB, enough for any single object. */
  bodyBytesMax: 1024 * 1024,
  /** Largest body of POST /v1/batches (5,000 items): 16 MiB, or COFFER_BODY_LIMIT_BYTES if larger. */
  batchBodyBytesMax: 16 * 1024 * 1024,
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
  /** Free text: descriptions and reasons. */
  textLengthMax: 500,
  /** Names: of currencies, wallets and API keys, and the merchant of a card authorization. */
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
  /** Bank identifiers per wallet (the generated one and those added with POST /v1/wallets/{id}/instruments). */
  instrumentsPerWalletMax: 10,
  /** Deepest nesting of arrays and objects accepted in a JSON request body. */
  jsonDepthMax: 32,
  /** The largest per-key rate limit (`rateLimitPerMinute` of an API key; none unless set). */
  rateLimitPerMinuteMax: 1_000_000,
  /** Keys (API keys, client addresses) each in-process rate counter remembers at most. */
  rateLimitKeysMax: 50_000,
  /** Failed authentications per client address per minute before 429 (COFFER_AUTH_FAILURES_PER_MINUTE; 0 turns it off). */
  authFailuresPerMinute: 20,
  /** Open event streams (GET /v1/events/stream) per API key, per process. */
  eventStreamsPerKeyMax: 5,
  /** How often an open event stream checks that its API key is still valid. */
  eventStreamKeyCheckMs: 1_000,
  /** COFFER_ADMIN_KEY is at least this long. */
  adminKeyLengthMin: 24,
  /** Group commit: how long a request may wait for neighbours (only while another group runs). */
  groupCommitWaitMs: 1,
  groupCommitWaitMsMax: 20,
  /** Group commit: requests per database transaction (a group is one write statement, whatever its size). */
  groupCommitSizeMax: 64,
  /**
   * Group commit: database transactions committing at the same time. Two: one group writes (it
   * holds the journal head, which every money write takes last) while the next plans and locks;
   * more only wait on the head (measured: 4 groups at once gave 20 % less than 2, 8 gave 45 % less).
   */
  groupCommitConcurrencyMax: 2,
  /** A rate has at most this many significant digits, this many digits after the point, and this many characters. */
  rateSignificantDigitsMax: 18,
  rateScaleMax: 36,
  rateTextLengthMax: 64,
  /** How long a quote locks its rate unless COFFER_QUOTE_TTL_SECONDS says otherwise. */
  quoteTtlSecondsDefault: 30,
  quoteTtlSecondsMax: 3600,
  /** An amount written as a string of digits (amountMax itself has 19). */
  amountTextLengthMax: 40,
  /** A page cursor (`cursor`, the `nextCursor` of the page before). */
  cursorLengthMax: 200,
  /** A transaction's or a hold's `reference`. */
  referenceLengthMax: 200,
  /** The description of one fee. */
  feeDescriptionLengthMax: 200,
  /** Identifiers clients choose (merchantId, customerId, program) and the wallet references of compatibility paths. */
  identifierLengthMax: 64,
  /** A wallet's `type`. */
  walletTypeLengthMax: 40,
  /** A wallet's `alias`. */
  walletAliasLengthMax: 100,
  /** A currency's code: 1 to 12 of A-Z, a-z, 0-9 and _. */
  currencyCodeLengthMax: 12,
  /** A currency's `numericCode` (the seed's digitalCode: "840" for ISO currencies). */
  currencyNumericCodeLengthMax: 8,
  /** A currency's `symbol` ("€", "BTC"). */
  currencySymbolLengthMax: 10,
  /** What a currency puts before the number of each of its wallets (`serialPrefix`). */
  serialPrefixLengthMax: 12,
  /** The code in the path of POST /v1/currencies/iso/{code}. */
  isoCodeParamLengthMax: 20,
  /** The name printed on a card. */
  cardNameLengthMax: 100,
  /** The account holder's name of a bank counterparty. */
  counterpartyNameLengthMax: 140,
  /** An instant given in a query (`from`, `to`): ISO 8601 text. */
  instantTextLengthMax: 40,
  /** `units` of a balance read: "major", "minor" or both. */
  unitsQueryLengthMax: 20,
  /** `types` of the event feed: comma-separated event types. */
  eventTypesQueryLengthMax: 1000,
  /** `subjectId` of the audit log. */
  auditSubjectIdLengthMax: 100,
  /** The URL a webhook endpoint is delivered to. */
  webhookUrlLengthMax: 2000,
  /** Event types one webhook endpoint names. */
  webhookEventTypesMax: 50,
  /** How long the previous signing secret of a webhook endpoint still signs after a rotation, unless the rotation says (24 hours). */
  webhookSecretGraceDefaultSeconds: 24 * 3600,
  /** The longest such grace a rotation may ask for (7 days). */
  webhookSecretGraceMaxSeconds: 7 * 24 * 3600,
  /** Compatibility (Paynetics-style) lists: the highest `page`. */
  compatPageMax: 1_000_000,
  /** Compatibility (Paynetics-style) lists: the largest `limit`. */
  compatPageSizeMax: 100,
  /** The alias of a Paynetics-style account. */
  compatAccountAliasLengthMax: 200,
} as const;
