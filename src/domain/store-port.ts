/**
 * The store port: what the services may ask of storage, in domain types. One SQL implementation
 * (src/store/store.ts) serves both backends, PostgreSQL and PGlite; the services see only this.
 */
import type { ApiKey, ApiKeyScope } from './api-key.js';
import type { AuditFilter, AuditRecord, LockableTable } from './audit.js';
import type { Counters } from './balance.js';
import type { BankIdentifier, Instrument, InstrumentPatch } from './bank-identifiers.js';
import type { Card, CardAuthorization } from './card.js';
import type { CompatAccount, CompatAccountFilter } from './compat-account.js';
import type { Currency, CurrencyFilter, CurrencyPatch } from './currency.js';
import type { CofferEvent, EventFilter, EventRow, NewEvent } from './event.js';
import type { Quote } from './exchange.js';
import type { IdempotencyClaim, IdempotencyClaimRequest, IdempotencyCompletion, IdempotencyLease } from './idempotency.js';
import type { JournalHead, JournalLink } from './journal.js';
import type { PlannedEntry } from './posting.js';
import type { CurrencyRate, RateFilter } from './rate.js';
import type { LockedTransaction, Reservation, ReservationFilter } from './reservation.js';
import type { StatementEntry, StatementRange } from './statement.js';
import type { Entry, Transaction, TransactionFilter, TransactionWithEntries } from './transaction.js';
import type { StatusChange, StatusHistoryEntry } from './wallet-status.js';
import type { LockedWallet, NewWallet, Wallet, WalletFilter, WalletPatch, WalletRef } from './wallet.js';
import type { ClaimedDelivery, DeliveryOutcome, EndpointPatch, WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook.js';

/** A row of a verification report, as the database gives it (its columns are the report's). */
export type ReportRow = Readonly<Record<string, unknown>>;

/** The reads. */
export interface ReadStore {
  // Currencies
  /** The currency imported from the ISO table for `isoCode`, if any. */
  findIsoCurrency(isoCode: string): Promise<Currency | null>;
  /** The codes of some currencies, by id (ids not found are left out). */
  currencyCodes(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  getCurrency(id: string): Promise<Currency | null>;
  listCurrencies(filter: CurrencyFilter): Promise<Currency[]>;
  /** How many currencies match `listCurrencies`' filters, whatever the cursor. */
  countCurrencies(filter: Omit<CurrencyFilter, 'afterId' | 'limit'>): Promise<number>;

  // Wallets and their lifecycle
  getWalletsByIds(ids: readonly string[]): Promise<Wallet[]>;
  /** How many virtual wallets under this parent are not closed. */
  openVirtualWalletCount(parentWalletId: string): Promise<number>;
  getWallet(id: string): Promise<Wallet | null>;
  /** The wallet of one merchant (null: none) with this externalId. */
  findWalletByExternalId(merchantId: string | null, externalId: string): Promise<Wallet | null>;
  /** The wallets of one merchant (null: none) with any of these externalIds: a bulk onboarding's lookup in one query. */
  findWalletsByExternalIds(merchantId: string | null, externalIds: readonly string[]): Promise<Wallet[]>;
  /** A currency's system wallets: id by type. */
  systemWalletIds(currencyId: string): Promise<ReadonlyMap<string, string>>;
  listWallets(filter: WalletFilter): Promise<Wallet[]>;
  /** How many wallets match `listWallets`' filters, whatever the cursor (`?include=total`). */
  countWallets(filter: Omit<WalletFilter, 'afterId' | 'limit'>): Promise<number>;
  /** The immutable facts about wallets (currency, parent, owner, category), for planning before locking. */
  walletRefs(ids: readonly string[]): Promise<WalletRef[]>;

  // Transactions and entries
  /** A transaction with its entries, or null. */
  getTransaction(id: string): Promise<TransactionWithEntries | null>;
  listTransactions(filter: TransactionFilter): Promise<(Transaction & { readonly seq: bigint })[]>;
  /** How many transactions match `listTransactions`' filters, whatever the cursor. */
  countTransactions(filter: Omit<TransactionFilter, 'beforeSeq' | 'limit'>): Promise<number>;
  /**
   * A wallet's statement, newest first. A balance-holding wallet's statement is every entry that
   * moved its counters (its own and its virtual wallets'); a virtual wallet's is the entries
   * attributed to it. Either way one index range is read, newest first, never the whole history.
   */
  listEntries(walletId: string, virtual: boolean, beforeId: bigint | null, limit: number, postedOnly: boolean): Promise<Entry[]>;
  /** Posted credits − debits of a wallet's balance from its entries up to an instant. */
  postedBalanceAt(walletId: string, at: Date): Promise<{ posted: bigint; held: bigint; pending: bigint }>;
  /** Per currency and wallet category: totals of posted and pending balances. */
  trialBalance(): Promise<ReportRow[]>;

  // Holds and pending credits
  getReservation(id: string): Promise<Reservation | null>;
  listReservations(filter: ReservationFilter): Promise<(Reservation & { readonly seq: bigint })[]>;
  /** How many holds and pending credits that name this wallet are still open. */
  openReservationCount(walletId: string): Promise<number>;

  // Statements
  /**
   * A wallet's statement lines, newest first (see `listEntries`), with their transaction's
   * description and reference and the counterparty wallet, within a date range. One index range
   * of the wallet's entries is read newest first; the range only filters it.
   */
  listStatementEntries(walletId: string, virtual: boolean, beforeId: bigint | null, limit: number, range: StatementRange): Promise<StatementEntry[]>;
  /** How many lines the statement has in the date range, whatever the cursor. */
  countStatementEntries(walletId: string, virtual: boolean, range: StatementRange): Promise<number>;

  // The hash-chained journal
  /** The chain's head, unlocked (null: the migrations have not run). */
  readJournalHead(): Promise<JournalHead | null>;
  /**
   * Links after `afterSeq` in chain order (at most `limit`), each flagged when it is the last
   * link of its transaction: only that one must match the transaction's current content.
   */
  journalPage(afterSeq: bigint, limit: number): Promise<(JournalLink & { readonly latest: boolean })[]>;
  /**
   * The transactions named, each with its entries in id order, read as `getTransaction` reads
   * one: `coffer verify` recomputes the bodies of a page of latest links from them in two
   * statements. An id with no transaction is absent from the map.
   */
  transactionsWithEntries(ids: readonly string[]): Promise<Map<string, TransactionWithEntries>>;
  /** The link at one chain position, or null. */
  journalLinkAt(seq: bigint): Promise<JournalLink | null>;
  /** Transactions committed after the journal began that have no link (at most `limit`). */
  unjournaledTransactions(transactionsBefore: bigint, limit: number): Promise<{ readonly id: string; readonly seq: bigint }[]>;
  /** Transactions whose reversed amount differs from the sum of the reversals pointing at them. */
  reversedAmountDiscrepancies(limit: number): Promise<{ readonly id: string; readonly stored: string; readonly reversals: string }[]>;

  // Rates and quotes
  /** The current rate of a pair, or null. */
  getRate(baseCurrencyId: string, quoteCurrencyId: string): Promise<CurrencyRate | null>;
  /** The current rates of the pairs the filter names. */
  listRates(filter: RateFilter): Promise<CurrencyRate[]>;
  /** The rates a pair has had, newest first. */
  listRateHistory(
    baseCurrencyId: string,
    quoteCurrencyId: string,
    beforeId: bigint | null,
    limit: number,
  ): Promise<(CurrencyRate & { readonly seq: bigint })[]>;
  getQuote(id: string): Promise<Quote | null>;

  // Bank identifiers and cards
  getCard(id: string): Promise<Card | null>;
  getCardAuthorization(id: string): Promise<CardAuthorization | null>;
  /** A card's authorizations, newest first (ids are time-ordered UUIDv7), before the cursor's id. */
  listCardAuthorizations(cardId: string, beforeId: string | null, limit: number): Promise<CardAuthorization[]>;
  listInstruments(walletId: string): Promise<Instrument[]>;
  getInstrument(id: string): Promise<Instrument | null>;
  /** How many bank identifiers a wallet has, whatever their status. */
  instrumentCount(walletId: string): Promise<number>;
  findInstrumentsByIban(iban: string): Promise<Instrument[]>;
  /** How many active cards a wallet has. */
  activeCardCount(walletId: string): Promise<number>;
  listCards(walletId: string): Promise<Card[]>;

  // API keys
  findApiKeyByHash(keyHash: string): Promise<ApiKey | null>;
  getApiKey(id: string): Promise<ApiKey | null>;
  listApiKeys(afterId: string | null, limit: number): Promise<ApiKey[]>;
  /** How many unrevoked admin keys exist. */
  countActiveAdminKeys(): Promise<number>;

  // Idempotency-Keys
  /** How many Idempotency-Keys are stored, in any state. */
  countIdempotencyKeys(): Promise<number>;

  // Events
  /** True when a committed event waits for its feed position (a read: takes no lock). */
  hasUnsealedEvents(): Promise<boolean>;
  /** Sealed events after a feed position, in feed order. */
  listEvents(filter: EventFilter): Promise<CofferEvent[]>;
  /** How many events match `listEvents`' filters, from the start of the feed. */
  countEvents(filter: Omit<EventFilter, 'afterPosition' | 'limit'>): Promise<number>;

  // Webhooks
  /** The endpoints whose signing secrets are still stored in plain text (written before migration 008). */
  plaintextWebhookSecrets(): Promise<{ id: string; secret: string; previousSecret: string | null }[]>;
  getWebhookEndpoint(id: string): Promise<WebhookEndpoint | null>;
  /** Endpoints of one merchant (null: all), in id order after the cursor. */
  listWebhookEndpoints(merchantId: string | null, afterId: string | null, limit: number): Promise<WebhookEndpoint[]>;
  /** An endpoint's deliveries, newest first, with their event's type and every attempt. */
  listWebhookDeliveries(
    endpointId: string,
    beforeId: string | null,
    limit: number,
  ): Promise<(WebhookDelivery & { eventType: string; attemptLog: WebhookAttempt[] })[]>;
  getWebhookDelivery(id: string): Promise<WebhookDelivery | null>;

  // The audit log
  /** Audit records, newest first, before the cursor `beforeSeq`. */
  listAuditRecords(filter: AuditFilter): Promise<AuditRecord[]>;

  // Compatibility APIs (accounts, status history, lookups)
  /** A Paynetics-style account by its token. */
  getCompatAccount(token: string): Promise<CompatAccount | null>;
  /** Accounts matching the filter, in creation order, from `offset`. */
  listCompatAccounts(filter: CompatAccountFilter): Promise<CompatAccount[]>;
  /** A wallet's status changes, newest first, after the cursor `beforeId`. */
  listStatusHistory(walletId: string, beforeId: string | undefined, limit: number): Promise<StatusHistoryEntry[]>;
  /** The bank identifiers with this UK sort code or US routing number and account number. */
  findInstrumentsByAccount(kind: 'uk_account' | 'us_account', code: string, accountNumber: string): Promise<Instrument[]>;
  /** The id of the wallet with this serial (wallet number), or null. */
  findWalletIdBySerial(serial: string): Promise<string | null>;
  /** How many accounts match `listCompatAccounts`' filters, whatever the offset. */
  countCompatAccounts(filter: Omit<CompatAccountFilter, 'offset' | 'limit'>): Promise<number>;

  // Verification (`coffer verify`)
  /** Wallets whose stored counters differ from the sums of their entries (at most `limit`). */
  counterDiscrepancies(limit: number): Promise<ReportRow[]>;
  /** Transactions whose entries do not balance in some currency (posted or pending). */
  unbalancedTransactions(limit: number): Promise<ReportRow[]>;
  /** Per currency, the sum of credits − debits over all balance-holding wallets (must be zero). */
  currencyTotals(): Promise<ReportRow[]>;
  /** Client wallets below their credit limit (available < −creditLimit). */
  overdrawnWallets(limit: number): Promise<ReportRow[]>;
}

/**
 * A handle on one database transaction (or, as `Store.read`, on single statements that commit on
 * their own): the reads, and the writes, locks, savepoints and the posting pipeline's stamp and one write.
 */
export interface TxStore extends ReadStore {
  // Currencies
  /** Inserts a currency; `isoCode` marks the one imported from the ISO table for that code (unique: currencies_iso_code). */
  insertCurrency(currency: Currency, isoCode?: string | null): Promise<void>;
  updateCurrency(id: string, patch: CurrencyPatch, now: Date): Promise<Currency | null>;

  // Wallets and their lifecycle
  /** Sets a wallet's status with the reason, description and API key of the change. */
  setWalletStatus(id: string, change: StatusChange, now: Date): Promise<Wallet>;
  /** Closing a wallet deactivates its bank identifiers and destroys its cards. */
  retireWalletInstruments(walletId: string, now: Date): Promise<void>;
  /** Inserts a wallet; its serial is the currency prefix + the next number of a sequence, so it is never reused. */
  insertWallet(wallet: NewWallet, serialPrefix: string | null): Promise<Wallet>;
  /** Inserts wallets in one statement (each serial: its currency prefix + the next number of a sequence, never reused); answers them in the order given. */
  insertWallets(wallets: readonly { readonly wallet: NewWallet; readonly serialPrefix: string | null }[]): Promise<Wallet[]>;
  updateWallet(id: string, patch: WalletPatch, now: Date): Promise<Wallet | null>;
  /**
   * Locks the wallets (FOR UPDATE) in id order, the one order every writer uses, so two
   * transactions never wait on each other in a cycle. Returns them by id.
   */
  lockWallets(ids: readonly string[]): Promise<Map<string, LockedWallet>>;

  // Holds and pending credits
  /** Holds due to expire at `now`, the longest due first (read without locks). */
  dueHolds(now: Date, limit: number): Promise<Reservation[]>;

  // The hash-chained journal
  /** Waits until no money write holds the head (each commits before the reader goes on): for reads of the past. */
  awaitJournalWriters(): Promise<void>;

  // Rates and quotes
  /** Sets the current rate of a pair and appends it to the history, current row first so history order follows commit order. */
  setRate(rate: CurrencyRate): Promise<void>;
  insertQuote(quote: Quote): Promise<void>;

  // Bank identifiers and cards
  /** Locks a card's row: freezes, destroys and authorizations on one card are ordered. */
  lockCard(id: string): Promise<Card | null>;
  /** Sets or clears the card's own freeze (`frozenAt` null: not frozen by itself). */
  setCardFrozen(id: string, frozenAt: Date | null, now: Date): Promise<Card>;
  destroyCard(id: string, now: Date): Promise<Card>;
  /** The next account number: from a sequence, so numbers are unique and never reused. */
  nextAccountSerial(): Promise<bigint>;
  /** `count` account numbers at once. */
  nextAccountSerials(count: number): Promise<bigint[]>;
  /** Inserts many bank identifiers in one statement. */
  insertInstruments(instruments: readonly { readonly id: string; readonly walletId: string; readonly identifier: BankIdentifier }[], now: Date): Promise<void>;
  insertInstrument(id: string, walletId: string, identifier: BankIdentifier, now: Date): Promise<Instrument>;
  /** Locks a bank identifier's row and returns it. */
  lockInstrument(id: string): Promise<Instrument | null>;
  updateInstrument(id: string, patch: InstrumentPatch, now: Date): Promise<Instrument>;
  /** Inserts a card; `numberHash` identifies its number without storing it. */
  insertCard(card: Card, numberHash: string, now: Date): Promise<Card>;

  // API keys
  /** `keyHash`: the hash the key is found by; `fromEnv`: created from COFFER_ADMIN_KEY. */
  insertApiKey(key: ApiKey, keyHash: string, fromEnv?: boolean): Promise<void>;
  /** Changes a key's name, scopes or rate limit (fields absent stay as they are). */
  updateApiKey(
    id: string,
    patch: { readonly name?: string | null; readonly scopes?: readonly ApiKeyScope[]; readonly rateLimitPerMinute?: number | null },
  ): Promise<ApiKey | null>;
  /** Revokes the keys an earlier COFFER_ADMIN_KEY created, all but `keepId`; returns how many. */
  revokeEnvAdminKeysExcept(keepId: string, now: Date): Promise<number>;
  revokeApiKey(id: string, now: Date): Promise<ApiKey | null>;

  // Idempotency-Keys
  /**
   * Claims a key for a request, or reports who holds it. A claim left behind by a process
   * that died (older than `staleBefore`) is taken over, so a key is never stuck.
   */
  claimIdempotencyKey(scope: string, key: string, requestHash: string, now: Date, expiresAt: Date, leaseUntil: Date): Promise<IdempotencyClaim>;
  /**
   * Claims many keys in one statement and one commit (each in its own request's name); answers
   * in the order asked. The same key twice in one call: if the first claims it, the second finds it
   * in flight; otherwise both get the key's stored state (a finished key replays for every copy).
   * Rows are written in key order, so two concurrent calls never wait on each other in a cycle.
   */
  claimIdempotencyKeys(requests: readonly IdempotencyClaimRequest[]): Promise<IdempotencyClaim[]>;
  /** Records the outcome; runs in the same database transaction as the change it describes. */
  completeIdempotencyKey(scope: string, key: string, claimedAt: Date, statusCode: number, response: unknown): Promise<boolean>;
  /**
   * Records many outcomes in one statement (group commit). Only a claim still the request's own is
   * completed: returns the completions whose key another request took over meanwhile (its claim
   * went stale and a retry re-claimed it), which the caller must not commit.
   */
  completeIdempotencyKeys(completions: readonly IdempotencyCompletion[]): Promise<IdempotencyCompletion[]>;
  /** Gives a key back after an unexpected failure, so the client can retry with it. */
  releaseIdempotencyKey(scope: string, key: string, claimedAt: Date): Promise<void>;
  /** Pushes the lease of claims whose requests still run (one statement for all of them); a claim taken over is left alone. */
  renewIdempotencyLeases(leases: readonly IdempotencyLease[], leaseUntil: Date): Promise<void>;
  /** Deletes the finished keys that expired before `now`; returns how many. */
  deleteExpiredIdempotencyKeys(now: Date): Promise<number>;

  // Events
  /** Inserts an event without a feed position: the sealer numbers it once it is committed. */
  insertEvent(id: string, event: NewEvent, now: Date): Promise<void>;
  /** Inserts events in the order given (the sealer numbers them in that order). */
  insertEvents(events: readonly EventRow[]): Promise<void>;
  /**
   * Gives the committed, unnumbered events the next feed positions, in insertion order.
   * Must run inside a database transaction: the row lock on `event_feed` makes sealers take
   * turns, so positions are assigned once, without gaps, and become visible all at once.
   * Also queues a delivery of each sealed event to every matching active webhook endpoint.
   */
  sealEvents(limit: number, now: Date): Promise<number>;

  // Webhooks
  /** Every endpoint's signing secrets as stored, locked (`rotate-secret-key` re-encrypts them all). */
  allWebhookSecrets(): Promise<{ id: string; secret: string; previousSecret: string | null }[]>;
  /** `secret`: the signing secret as stored (encrypted); `apiKeyId`: the key that created it. */
  insertWebhookEndpoint(endpoint: WebhookEndpoint, secret: string, apiKeyId: string | null): Promise<void>;
  /** Replaces an endpoint's secrets as stored (re-encrypted, or encrypted for the first time). */
  setWebhookSecrets(id: string, secret: string, previousSecret: string | null): Promise<void>;
  /** A new signing secret (stored form); the current one stays valid, as `previous_secret`, until `previousExpiresAt`. */
  rotateWebhookSecret(id: string, secret: string, previousExpiresAt: Date, now: Date): Promise<boolean>;
  updateWebhookEndpoint(id: string, patch: EndpointPatch, now: Date): Promise<WebhookEndpoint | null>;
  /**
   * Claims due deliveries of active endpoints for this process: `for update skip locked` lets
   * several processes claim at once without taking the same row, and the lease makes a delivery
   * whose process died due again once it runs out. The attempt is counted at claim time.
   */
  claimWebhookDeliveries(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]>;
  /** Records an attempt: delivered, due again at `nextAttemptAt`, or failed for good (and the endpoint disabled if it answered 410). */
  recordWebhookOutcome(delivery: WebhookDelivery, outcome: DeliveryOutcome, now: Date): Promise<void>;
  /** Makes a delivery due now again (a replay): same delivery, so the same `webhook-id`. */
  replayWebhookDelivery(id: string, now: Date): Promise<WebhookDelivery | null>;

  // The audit log
  insertAuditRecord(record: Omit<AuditRecord, 'seq'>): Promise<void>;
  /** Writes audit records in one statement, in the order given. */
  insertAuditRecords(records: readonly Omit<AuditRecord, 'seq'>[]): Promise<void>;
  /** Locks one row (for update) so the "before" state read next cannot change under the caller. */
  lockRow(table: LockableTable, id: string): Promise<boolean>;

  // Compatibility APIs (accounts, status history, lookups)
  insertCompatAccount(account: CompatAccount): Promise<void>;
  insertStatusHistory(entry: StatusHistoryEntry): Promise<void>;

  // Verification (`coffer verify`)
  /**
   * Makes the current database transaction a read-only snapshot (repeatable read): everything
   * it reads afterwards is one consistent state, even while writers commit. The first statement
   * of the database transaction only.
   */
  readOnlySnapshot(): Promise<void>;

  // This database transaction: savepoints, the commit stamp, the posting pipeline's locks and one write
  /** Runs `fn` under a savepoint: if it throws, only its own writes are rolled back. */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * For a group's one write, once per database transaction: the commit stamp, the chain head as it
   * stands (locked, the last lock the transaction takes), and `entryIdCount` entry ids drawn in ascending order.
   */
  stampForPosting(notBefore: Date, entryIdCount: number): Promise<StampedHead>;
  /** Locks quotes (an exchange at a quoted rate), in id order. */
  lockQuotes(ids: readonly string[]): Promise<Map<string, Quote>>;
  /** Locks transaction rows (reservations to resolve, originals to reverse), in id order, with the entries of the pending ones. */
  lockTransactionsWithEntries(ids: readonly string[]): Promise<Map<string, LockedTransaction>>;
  /** Cards by id (read under their wallets' locks, which every card change takes). */
  getCards(ids: readonly string[]): Promise<Map<string, Card>>;
  /** Writes a group of postings in one statement; returns the completions whose key a retry took over (roll back then). */
  writePostings(write: PostingWrite): Promise<IdempotencyCompletion[]>;
}

/** A database transaction's commit stamp, the chain head it locked, and the entry ids it drew. */
export interface StampedHead {
  readonly stamp: Date;
  readonly head: JournalHead;
  readonly entryIds: readonly string[];
}

/** An entry to insert: planned, with its transaction and time. */
export type EntryRow = PlannedEntry & { readonly transactionId: string; readonly createdAt?: Date };

/** One row change of an existing transaction: a resolution's new state, and what reversals added to `reversedAmount`. */
export interface TransactionUpdate {
  readonly id: string;
  readonly resolution: {
    readonly status: string;
    readonly capturedAmount: bigint | null;
    readonly resolvedAt: Date;
    readonly postedAt: Date | null;
    readonly reason: string | null;
  } | null;
  readonly reversedAdded: bigint;
}

/** Everything a group of postings writes, prepared in memory under its locks (services/set-posting.ts). */
export interface PostingWrite {
  /** New transactions (a hold with its expiry). */
  readonly transactions: readonly (Transaction & { readonly expiresAt?: Date | null })[];
  readonly updates: readonly TransactionUpdate[];
  /** New entries, with the ids drawn for them (`stampForPosting`), in the same order. */
  readonly entries: readonly EntryRow[];
  readonly entryIds: readonly string[];
  /** The final counters of every wallet the group changed; their rows are locked. */
  readonly counters: ReadonlyMap<string, Counters>;
  readonly quotesUsed: readonly { readonly id: string; readonly transactionId: string; readonly at: Date }[];
  readonly cardAuthorizations: readonly { readonly id: string; readonly cardId: string; readonly merchantName: string | null; readonly createdAt: Date }[];
  readonly events: readonly EventRow[];
  readonly audits: readonly Omit<AuditRecord, 'seq'>[];
  readonly completions: readonly IdempotencyCompletion[];
  /** Chained from the locked head; the head moves to the last. */
  readonly links: readonly JournalLink[];
  readonly now: Date;
}
