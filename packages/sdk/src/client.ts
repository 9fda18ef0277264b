import { type EventStreamOptions, streamEvents } from './events.js';
import { type CofferOptions, pathOf, type QueryValue, type RequestOptions, Transport } from './http.js';
import { type Page, Pager } from './pager.js';
import type {
  ApiKey,
  AuditEntry,
  Batch,
  BodyOf,
  Card,
  CofferEvent,
  CreatedApiKey,
  CreatedWebhook,
  Currency,
  Entry,
  Exchange,
  Hold,
  CardAuthorization,
  Instrument,
  Loose,
  PendingCredit,
  QueryOf,
  Quote,
  Rate,
  ResultOf,
  Transaction,
  TrialBalance,
  VerifyReport,
  Wallet,
  WalletBalance,
  Webhook,
  WebhookDelivery,
} from './types.js';

type Query = Record<string, QueryValue>;
type Id = string;

/** What every resource shares: the transport and small helpers around it. */
abstract class Resource {
  constructor(protected readonly transport: Transport) {}

  protected fetchOne<T>(path: string, query: object | undefined, options: RequestOptions | undefined): Promise<T> {
    return this.transport.request<T>({ method: 'GET', path, query: query as Query | undefined, options });
  }

  protected send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body: unknown, options: RequestOptions | undefined): Promise<T> {
    return this.transport.request<T>({ method, path, body, options });
  }

  protected fetchList<T>(path: string, query: object | undefined, options: RequestOptions | undefined): Pager<T> {
    const { cursor, ...rest } = (query ?? {}) as Query & { cursor?: string };
    // A cursor carries the position it continues from: the event feed refuses `after` beside it.
    const { after: _after, ...continued } = rest;
    return new Pager<T>((next) => this.fetchOne<Page<T>>(path, next !== undefined ? { ...continued, cursor: next } : rest, options), cursor);
  }
}

export class Currencies extends Resource {
  list(query?: QueryOf<'/v1/currencies'>, options?: RequestOptions): Pager<Currency> {
    return this.fetchList('/v1/currencies', query, options);
  }
  create(body: BodyOf<'/v1/currencies'>, options?: RequestOptions): Promise<Currency> {
    return this.send('POST', '/v1/currencies', body, options);
  }
  get(id: Id, options?: RequestOptions): Promise<Currency> {
    return this.fetchOne(pathOf('/v1/currencies/{id}', { id }), undefined, options);
  }
  update(id: Id, body: BodyOf<'/v1/currencies/{id}', 'patch'>, options?: RequestOptions): Promise<Currency> {
    return this.send('PATCH', pathOf('/v1/currencies/{id}', { id }), body, options);
  }
  /** Adds a real currency from the ISO 4217 table (`importIso('EUR')`), optionally overriding some fields. */
  importIso(code: string, body: BodyOf<'/v1/currencies/iso/{code}'> = {}, options?: RequestOptions): Promise<Currency> {
    return this.send('POST', pathOf('/v1/currencies/iso/{code}', { code }), body, options);
  }
  /** Adds a system account of the operator's own type (e.g. `reserve`) to a currency; admin keys only. */
  addSystemAccount(id: Id, body: BodyOf<'/v1/currencies/{id}/system-accounts'>, options?: RequestOptions): Promise<Wallet> {
    return this.send('POST', pathOf('/v1/currencies/{id}/system-accounts', { id }), body, options);
  }
}

export class Wallets extends Resource {
  list(query?: QueryOf<'/v1/wallets'>, options?: RequestOptions): Pager<Wallet> {
    return this.fetchList('/v1/wallets', query, options);
  }
  /** Creates a wallet (answers the existing one, unchanged, for a repeated `externalId` with the same fields). */
  create(body: BodyOf<'/v1/wallets'>, options?: RequestOptions): Promise<Wallet> {
    return this.send('POST', '/v1/wallets', body, options);
  }
  /** Creates up to 1,000 wallets in one request, each on its own (`POST /v1/wallets/bulk`): created, existing (same externalId) or failed. */
  createMany(body: BodyOf<'/v1/wallets/bulk'>, options?: RequestOptions): Promise<ResultOf<'/v1/wallets/bulk', 'post'>> {
    return this.send('POST', '/v1/wallets/bulk', body, options);
  }
  /** A wallet by id (or serial, where the server accepts it); `expand: ['instruments', 'cards']` where the server supports it. */
  get(id: Id, params: { expand?: string | readonly string[] } = {}, options?: RequestOptions): Promise<Wallet> {
    return this.fetchOne(pathOf('/v1/wallets/{id}', { id }), params.expand !== undefined ? { expand: params.expand } : undefined, options);
  }
  update(id: Id, body: BodyOf<'/v1/wallets/{id}', 'patch'>, options?: RequestOptions): Promise<Wallet> {
    return this.send('PATCH', pathOf('/v1/wallets/{id}', { id }), body, options);
  }
  balance(id: Id, query?: QueryOf<'/v1/wallets/{id}/balance'>, options?: RequestOptions): Promise<WalletBalance> {
    return this.fetchOne(pathOf('/v1/wallets/{id}/balance', { id }), query, options);
  }
  entries(id: Id, query?: QueryOf<'/v1/wallets/{id}/entries'>, options?: RequestOptions): Pager<Entry> {
    return this.fetchList(pathOf('/v1/wallets/{id}/entries', { id }), query, options);
  }
  /**
   * The statement as CSV (`Accept: text/csv`), one page of text at a time, newest first: the
   * first page with the header row, the next ones without it (each page's cursor is in its
   * `Coffer-Next-Cursor` header).
   */
  async *entriesCsv(id: Id, query: QueryOf<'/v1/wallets/{id}/entries'> = {}, options?: RequestOptions): AsyncGenerator<string> {
    let cursor: string | null = null;
    for (let page = 0; ; page++) {
      const { text, headers } = await this.transport.requestText({
        method: 'GET',
        path: pathOf('/v1/wallets/{id}/entries', { id }),
        query: { ...query, ...(cursor !== null ? { cursor } : {}) } as Record<string, QueryValue>,
        options: { ...options, headers: { ...(options?.headers ?? {}), accept: 'text/csv' } },
      });
      yield page === 0 ? text : text.slice(text.indexOf('\r\n') + 2);
      cursor = headers.get('coffer-next-cursor');
      if (cursor === null) return;
    }
  }
  /** Blocks, reactivates or closes a wallet, with a documented reason. */
  setStatus(id: Id, body: BodyOf<'/v1/wallets/{id}/status'>, options?: RequestOptions): Promise<Wallet> {
    return this.send('POST', pathOf('/v1/wallets/{id}/status', { id }), body, options);
  }
  /** Closes (terminates) a wallet: `DELETE /v1/wallets/{id}` (status `closed` is final). */
  close(id: Id, options?: RequestOptions): Promise<Wallet> {
    return this.send('DELETE', pathOf('/v1/wallets/{id}', { id }), undefined, options);
  }
  /** The wallet's status changes, oldest first (GET /v1/wallets/{id}/status-history, where the server has it). */
  statusHistory(id: Id, options?: RequestOptions): Promise<{ data: Loose[] }> {
    return this.fetchOne(pathOf('/v1/wallets/{id}/status-history', { id }), undefined, options);
  }
  /** The wallet's bank identifiers (IBAN, UK or US account). */
  instruments(id: Id, options?: RequestOptions): Promise<{ data: Instrument[] }> {
    return this.fetchOne(pathOf('/v1/wallets/{id}/instruments', { id }), undefined, options);
  }
  /** Adds a bank identifier (`{kind}`), where the server supports it. */
  addInstrument(id: Id, body: BodyOf<'/v1/wallets/{id}/instruments'>, options?: RequestOptions): Promise<Instrument> {
    return this.send('POST', pathOf('/v1/wallets/{id}/instruments', { id }), body, options);
  }
  cards(id: Id, options?: RequestOptions): Promise<ResultOf<'/v1/wallets/{id}/cards'>> {
    return this.fetchOne(pathOf('/v1/wallets/{id}/cards', { id }), undefined, options);
  }
  createCard(id: Id, body: BodyOf<'/v1/wallets/{id}/cards'>, options?: RequestOptions): Promise<Card> {
    return this.send('POST', pathOf('/v1/wallets/{id}/cards', { id }), body, options);
  }
}

export class Topups extends Resource {
  /** Issues money into a wallet (scope `issue`). */
  create(body: BodyOf<'/v1/topups'>, options?: RequestOptions): Promise<Transaction> {
    return this.send('POST', '/v1/topups', body, options);
  }
}

export class Withdrawals extends Resource {
  create(body: BodyOf<'/v1/withdrawals'>, options?: RequestOptions): Promise<Transaction> {
    return this.send('POST', '/v1/withdrawals', body, options);
  }
  /** Settles a pending payout: the bank connector confirms the money left (POST /v1/withdrawals/{id}/settle). */
  settle(id: Id, body: BodyOf<'/v1/withdrawals/{id}/settle'> = {}, options?: RequestOptions): Promise<Transaction> {
    return this.send('POST', pathOf('/v1/withdrawals/{id}/settle', { id }), body, options);
  }
  /** Fails a pending payout, releasing its money, with an optional reason (POST /v1/withdrawals/{id}/fail). */
  fail(id: Id, body: BodyOf<'/v1/withdrawals/{id}/fail'> = {}, options?: RequestOptions): Promise<Transaction> {
    return this.send('POST', pathOf('/v1/withdrawals/{id}/fail', { id }), body, options);
  }
}

export class Transfers extends Resource {
  create(body: BodyOf<'/v1/transfers'>, options?: RequestOptions): Promise<Transaction> {
    return this.send('POST', '/v1/transfers', body, options);
  }
}

export class Adjustments extends Resource {
  create(body: BodyOf<'/v1/adjustments'>, options?: RequestOptions): Promise<Transaction> {
    return this.send('POST', '/v1/adjustments', body, options);
  }
}

export class Exchanges extends Resource {
  create(body: BodyOf<'/v1/exchanges'>, options?: RequestOptions): Promise<Exchange> {
    return this.send('POST', '/v1/exchanges', body, options);
  }
}

export class Quotes extends Resource {
  create(body: BodyOf<'/v1/quotes'>, options?: RequestOptions): Promise<Quote> {
    return this.send('POST', '/v1/quotes', body, options);
  }
  get(id: Id, options?: RequestOptions): Promise<Quote> {
    return this.fetchOne(pathOf('/v1/quotes/{id}', { id }), undefined, options);
  }
}

export class Rates extends Resource {
  /** Sets the rate of an ordered pair: 1 unit of base is worth `rate` units of quote. */
  set(baseCurrencyId: Id, quoteCurrencyId: Id, body: BodyOf<'/v1/rates/{baseCurrencyId}/{quoteCurrencyId}', 'put'>, options?: RequestOptions): Promise<Rate> {
    return this.send('PUT', pathOf('/v1/rates/{baseCurrencyId}/{quoteCurrencyId}', { baseCurrencyId, quoteCurrencyId }), body, options);
  }
  get(baseCurrencyId: Id, quoteCurrencyId: Id, options?: RequestOptions): Promise<Rate> {
    return this.fetchOne(pathOf('/v1/rates/{baseCurrencyId}/{quoteCurrencyId}', { baseCurrencyId, quoteCurrencyId }), undefined, options);
  }
  list(query?: QueryOf<'/v1/rates'>, options?: RequestOptions): Pager<Rate> {
    return this.fetchList('/v1/rates', query, options);
  }
  history(
    baseCurrencyId: Id,
    quoteCurrencyId: Id,
    query?: QueryOf<'/v1/rates/{baseCurrencyId}/{quoteCurrencyId}/history'>,
    options?: RequestOptions,
  ): Pager<Rate> {
    return this.fetchList(pathOf('/v1/rates/{baseCurrencyId}/{quoteCurrencyId}/history', { baseCurrencyId, quoteCurrencyId }), query, options);
  }
}

export class Holds extends Resource {
  create(body: BodyOf<'/v1/holds'>, options?: RequestOptions): Promise<Hold> {
    return this.send('POST', '/v1/holds', body, options);
  }
  get(id: Id, options?: RequestOptions): Promise<Hold> {
    return this.fetchOne(pathOf('/v1/holds/{id}', { id }), undefined, options);
  }
  list(query?: QueryOf<'/v1/holds'>, options?: RequestOptions): Pager<Hold> {
    return this.fetchList('/v1/holds', query, options);
  }
  /** Captures all of the hold, or `amount` of it. */
  capture(id: Id, body: BodyOf<'/v1/holds/{id}/capture'> = {}, options?: RequestOptions): Promise<Hold> {
    return this.send('POST', pathOf('/v1/holds/{id}/capture', { id }), body, options);
  }
  void(id: Id, options?: RequestOptions): Promise<Hold> {
    return this.send('POST', pathOf('/v1/holds/{id}/void', { id }), {}, options);
  }
}

export class PendingCredits extends Resource {
  create(body: BodyOf<'/v1/pending-credits'>, options?: RequestOptions): Promise<PendingCredit> {
    return this.send('POST', '/v1/pending-credits', body, options);
  }
  get(id: Id, options?: RequestOptions): Promise<PendingCredit> {
    return this.fetchOne(pathOf('/v1/pending-credits/{id}', { id }), undefined, options);
  }
  list(query?: QueryOf<'/v1/pending-credits'>, options?: RequestOptions): Pager<PendingCredit> {
    return this.fetchList('/v1/pending-credits', query, options);
  }
  settle(id: Id, body: BodyOf<'/v1/pending-credits/{id}/settle'> = {}, options?: RequestOptions): Promise<PendingCredit> {
    return this.send('POST', pathOf('/v1/pending-credits/{id}/settle', { id }), body, options);
  }
  fail(id: Id, body: BodyOf<'/v1/pending-credits/{id}/fail'> = {}, options?: RequestOptions): Promise<PendingCredit> {
    return this.send('POST', pathOf('/v1/pending-credits/{id}/fail', { id }), body, options);
  }
}

export class Transactions extends Resource {
  list(query?: QueryOf<'/v1/transactions'>, options?: RequestOptions): Pager<Transaction> {
    return this.fetchList('/v1/transactions', query, options);
  }
  get(id: Id, options?: RequestOptions): Promise<Transaction> {
    return this.fetchOne(pathOf('/v1/transactions/{id}', { id }), undefined, options);
  }
  /** Reverses a posted transaction, wholly or `amount` of it. */
  reverse(id: Id, body: BodyOf<'/v1/transactions/{id}/reverse'> = {}, options?: RequestOptions): Promise<Transaction> {
    return this.send('POST', pathOf('/v1/transactions/{id}/reverse', { id }), body, options);
  }
}

export class Batches extends Resource {
  /** Several operations in one call: `atomic: true` applies all or none. */
  create(body: BodyOf<'/v1/batches'>, options?: RequestOptions): Promise<Batch> {
    return this.send('POST', '/v1/batches', body, options);
  }
}

export class Reports extends Resource {
  trialBalance(options?: RequestOptions): Promise<TrialBalance> {
    return this.fetchOne('/v1/reports/trial-balance', undefined, options);
  }
}

export class Verify extends Resource {
  /** Recomputes every balance from its entries (GET /v1/reports/verify). */
  run(query?: QueryOf<'/v1/reports/verify'>, options?: RequestOptions): Promise<VerifyReport> {
    return this.fetchOne('/v1/reports/verify', query, options);
  }
}

export class Events extends Resource {
  /** The event feed, oldest first, gap-free; `after` replays from a position. */
  list(query?: QueryOf<'/v1/events'>, options?: RequestOptions): Pager<CofferEvent> {
    return this.fetchList('/v1/events', query, options);
  }
  /** Live events (server-sent events), reconnecting from the last event seen. Stop it with `signal` or `break`. */
  stream(options: EventStreamOptions = {}): AsyncGenerator<CofferEvent, void, undefined> {
    return streamEvents(this.transport, options);
  }
}

export class Webhooks extends Resource {
  /** Registers an endpoint; the answer carries its `whsec_` secret, shown once. */
  create(body: BodyOf<'/v1/webhooks'>, options?: RequestOptions): Promise<CreatedWebhook> {
    return this.send('POST', '/v1/webhooks', body, options);
  }
  list(query?: QueryOf<'/v1/webhooks'>, options?: RequestOptions): Pager<Webhook> {
    return this.fetchList('/v1/webhooks', query, options);
  }
  get(id: Id, options?: RequestOptions): Promise<Webhook> {
    return this.fetchOne(pathOf('/v1/webhooks/{id}', { id }), undefined, options);
  }
  update(id: Id, body: BodyOf<'/v1/webhooks/{id}', 'patch'>, options?: RequestOptions): Promise<Webhook> {
    return this.send('PATCH', pathOf('/v1/webhooks/{id}', { id }), body, options);
  }
  /** Removes an endpoint (DELETE /v1/webhooks/{id}, where the server has it; else `update(id, {active: false})`). */
  delete(id: Id, options?: RequestOptions): Promise<unknown> {
    return this.send('DELETE', pathOf('/v1/webhooks/{id}', { id }), undefined, options);
  }
  deliveries(id: Id, query?: QueryOf<'/v1/webhooks/{id}/deliveries'>, options?: RequestOptions): Pager<WebhookDelivery> {
    return this.fetchList(pathOf('/v1/webhooks/{id}/deliveries', { id }), query, options);
  }
  /** Sends a delivery again. */
  replay(id: Id, deliveryId: Id, options?: RequestOptions): Promise<ResultOf<'/v1/webhooks/{id}/deliveries/{deliveryId}/replay', 'post'>> {
    return this.send('POST', pathOf('/v1/webhooks/{id}/deliveries/{deliveryId}/replay', { id, deliveryId }), undefined, options);
  }
}

export class ApiKeys extends Resource {
  /** Creates a key; the answer carries the secret `key`, shown once. */
  create(body: BodyOf<'/v1/api-keys'>, options?: RequestOptions): Promise<CreatedApiKey> {
    return this.send('POST', '/v1/api-keys', body, options);
  }
  list(query?: QueryOf<'/v1/api-keys'>, options?: RequestOptions): Pager<ApiKey> {
    return this.fetchList('/v1/api-keys', query, options);
  }
  revoke(id: Id, options?: RequestOptions): Promise<ApiKey> {
    return this.send('POST', pathOf('/v1/api-keys/{id}/revoke', { id }), undefined, options);
  }
}

export class AuditLog extends Resource {
  list(query?: QueryOf<'/v1/audit-log'>, options?: RequestOptions): Pager<AuditEntry> {
    return this.fetchList('/v1/audit-log', query, options);
  }
}

/** Find a wallet by a bank identifier. */
export type InstrumentLookup = { iban: string } | { sortCode: string; accountNumber: string } | { routingNumber: string; accountNumber: string };

export class Instruments extends Resource {
  /** The instrument (and its wallet) of an IBAN, a UK sort code + account number or a US routing + account number. */
  find(lookup: InstrumentLookup, options?: RequestOptions): Promise<ResultOf<'/v1/instruments'>> {
    return this.fetchOne('/v1/instruments', lookup, options);
  }
  get(id: Id, options?: RequestOptions): Promise<Instrument> {
    return this.fetchOne(pathOf('/v1/instruments/{id}', { id }), undefined, options);
  }
  /** Sets the verification status (admin keys only). */
  update(id: Id, body: BodyOf<'/v1/instruments/{id}', 'patch'>, options?: RequestOptions): Promise<Instrument> {
    return this.send('PATCH', pathOf('/v1/instruments/{id}', { id }), body, options);
  }
}

/** Card actions and authorizations. */
export class Cards extends Resource {
  get(id: Id, options?: RequestOptions): Promise<Card> {
    return this.fetchOne(pathOf('/v1/cards/{id}', { id }), undefined, options);
  }
  freeze(id: Id, options?: RequestOptions): Promise<Card> {
    return this.send('POST', pathOf('/v1/cards/{id}/freeze', { id }), {}, options);
  }
  unfreeze(id: Id, options?: RequestOptions): Promise<Card> {
    return this.send('POST', pathOf('/v1/cards/{id}/unfreeze', { id }), {}, options);
  }
  destroy(id: Id, options?: RequestOptions): Promise<Card> {
    return this.send('POST', pathOf('/v1/cards/{id}/destroy', { id }), {}, options);
  }
  replace(id: Id, options?: RequestOptions): Promise<Card> {
    return this.send('POST', pathOf('/v1/cards/{id}/replace', { id }), {}, options);
  }
  /** Places a hold on the card's wallet. */
  authorize(id: Id, body: BodyOf<'/v1/cards/{id}/authorizations'>, options?: RequestOptions): Promise<CardAuthorization> {
    return this.send('POST', pathOf('/v1/cards/{id}/authorizations', { id }), body, options);
  }
  authorizations(id: Id, query?: { cursor?: string; limit?: number }, options?: RequestOptions): Pager<CardAuthorization> {
    return this.fetchList(pathOf('/v1/cards/{id}/authorizations', { id }), query, options);
  }
  authorization(id: Id, options?: RequestOptions): Promise<CardAuthorization> {
    return this.fetchOne(pathOf('/v1/authorizations/{id}', { id }), undefined, options);
  }
  /** Captures all of the authorization's hold, or `amount` of it. */
  clear(id: Id, body: BodyOf<'/v1/authorizations/{id}/clear'> = {}, options?: RequestOptions): Promise<CardAuthorization> {
    return this.send('POST', pathOf('/v1/authorizations/{id}/clear', { id }), body, options);
  }
  /** Voids the authorization's hold. */
  reverse(id: Id, options?: RequestOptions): Promise<CardAuthorization> {
    return this.send('POST', pathOf('/v1/authorizations/{id}/reverse', { id }), {}, options);
  }
}

/**
 * The Coffer API client. Works in Node 20+ and browsers (global fetch, WebCrypto); every method
 * takes an optional last `RequestOptions` argument.
 */
export class Coffer {
  readonly currencies: Currencies;
  readonly wallets: Wallets;
  readonly topups: Topups;
  readonly withdrawals: Withdrawals;
  readonly transfers: Transfers;
  readonly adjustments: Adjustments;
  readonly exchanges: Exchanges;
  readonly quotes: Quotes;
  readonly rates: Rates;
  readonly holds: Holds;
  readonly pendingCredits: PendingCredits;
  readonly transactions: Transactions;
  readonly batches: Batches;
  readonly reports: Reports;
  readonly verify: Verify;
  readonly events: Events;
  readonly webhooks: Webhooks;
  readonly apiKeys: ApiKeys;
  readonly auditLog: AuditLog;
  readonly instruments: Instruments;
  readonly cards: Cards;
  private readonly transport: Transport;

  constructor(options: CofferOptions) {
    const transport = new Transport(options);
    this.transport = transport;
    this.currencies = new Currencies(transport);
    this.wallets = new Wallets(transport);
    this.topups = new Topups(transport);
    this.withdrawals = new Withdrawals(transport);
    this.transfers = new Transfers(transport);
    this.adjustments = new Adjustments(transport);
    this.exchanges = new Exchanges(transport);
    this.quotes = new Quotes(transport);
    this.rates = new Rates(transport);
    this.holds = new Holds(transport);
    this.pendingCredits = new PendingCredits(transport);
    this.transactions = new Transactions(transport);
    this.batches = new Batches(transport);
    this.reports = new Reports(transport);
    this.verify = new Verify(transport);
    this.events = new Events(transport);
    this.webhooks = new Webhooks(transport);
    this.apiKeys = new ApiKeys(transport);
    this.auditLog = new AuditLog(transport);
    this.instruments = new Instruments(transport);
    this.cards = new Cards(transport);
  }

  /** The settings in force (defaults filled in). */
  get settings(): Readonly<Transport['settings']> & { baseUrl: string } {
    return { ...this.transport.settings, baseUrl: this.transport.baseUrl };
  }

  /**
   * Any call by method and path, for routes without a method here yet (`coffer.request('GET', '/compat/currencies')`).
   * Same authentication, idempotency keys and retries as the resource methods.
   */
  request<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    params: { query?: Record<string, QueryValue>; body?: unknown } = {},
    options?: RequestOptions,
  ): Promise<T> {
    return this.transport.request<T>({ method, path, query: params.query, body: params.body, options });
  }
}
