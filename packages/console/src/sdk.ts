// The console's only way to the API: the @coffer/sdk client. The interface below is the part of the
// SDK surface the console uses; the shapes it answers are the SDK's own types (generated from the
// server's OpenAPI document), never restated here.
import type {
  ApiKey,
  AuditEntry,
  Card,
  CofferEvent,
  Currency,
  Entry,
  Hold,
  Instrument,
  Quote,
  Rate,
  Transaction,
  TrialBalance,
  VerifyReport,
  Wallet,
  WalletBalance,
  Webhook,
  WebhookDelivery,
} from '@coffer/sdk';
import { Coffer, CofferError, formatMinor, parseMajor } from '@coffer/sdk';

export { CofferError, formatMinor, parseMajor };

export interface CallOptions {
  idempotencyKey?: string;
  signal?: AbortSignal;
}
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
export interface Pager<T> extends AsyncIterable<T> {
  page(): Promise<Page<T>>;
}
type Query = Record<string, string | number | boolean | undefined>;
type Body = Record<string, unknown>;
/** A creating call: a plain JSON body, and the call's options (its Idempotency-Key). */
type Create<R> = (body: Body, options?: CallOptions) => Promise<R>;

export interface Api {
  currencies: {
    list(q?: Query): Pager<Currency>;
    create(b: Body, o?: CallOptions): Promise<Currency>;
    get(id: string): Promise<Currency>;
    update(id: string, b: Body, o?: CallOptions): Promise<Currency>;
    importIso(code: string, body: Body, o?: CallOptions): Promise<Currency>;
  };
  wallets: {
    list(q?: Query): Pager<Wallet>;
    create(b: Body, o?: CallOptions): Promise<Wallet>;
    get(id: string): Promise<Wallet>;
    balance(id: string, q?: Query): Promise<BalanceAnswer>;
    entries(id: string, q?: Query): Pager<Entry>;
    setStatus(id: string, b: Body, o?: CallOptions): Promise<Wallet>;
    instruments(id: string): Promise<{ data: Instrument[] }>;
    cards(id: string): Promise<{ data: Card[] }>;
  };
  topups: { create: Create<Transaction> };
  withdrawals: { create: Create<Transaction> };
  transfers: { create: Create<Transaction> };
  exchanges: { create: Create<Transaction> };
  quotes: { create: Create<Quote> };
  rates: { set(base: string, quote: string, b: { rate: string }, o?: CallOptions): Promise<unknown>; list(q?: Query): Pager<Rate> };
  holds: {
    create: Create<Reservation>;
    capture(id: string, b?: Body, o?: CallOptions): Promise<Reservation>;
    void(id: string, o?: CallOptions): Promise<Reservation>;
  };
  pendingCredits: {
    create: Create<Reservation>;
    settle(id: string, b: Body, o?: CallOptions): Promise<Reservation>;
    fail(id: string, b: Body, o?: CallOptions): Promise<Reservation>;
  };
  transactions: {
    list(q?: Query): Pager<Transaction>;
    get(id: string): Promise<Transaction>;
    reverse(id: string, b?: Body, o?: CallOptions): Promise<Transaction>;
  };
  reports: { trialBalance(): Promise<{ data: TrialBalanceRow[] }> };
  verify: { run(): Promise<VerifyReport> };
  events: { list(q?: Query): Pager<CofferEvent>; stream(o: { after?: string; signal?: AbortSignal }): AsyncIterable<CofferEvent> };
  webhooks: {
    create: Create<Webhook & { secret: string }>;
    list(q?: Query): Pager<Webhook>;
    update(id: string, body: Body, options?: CallOptions): Promise<Webhook>;
    deliveries(id: string, q?: Query): Pager<Delivery>;
    replay(id: string, deliveryId: string, o?: CallOptions): Promise<unknown>;
  };
  apiKeys: { create: Create<ApiKey & { key: string }>; list(q?: Query): Pager<ApiKey>; revoke(id: string, o?: CallOptions): Promise<ApiKey> };
  auditLog: { list(q?: Query): Pager<AuditRecord> };
  instruments: { find(q: { iban: string }): Promise<{ data: Instrument[] }> };
}

export function connect(apiKey: string): Api {
  // The SDK keeps `fetch` as a property; called as a method, the browser's fetch throws "Illegal invocation",
  // so the console hands it a bound one.
  const boundFetch: typeof fetch = (input, init) => window.fetch(input, init);
  return new Coffer({ baseUrl: window.location.origin, apiKey, maxRetries: 2, timeoutMs: 30_000, fetch: boundFetch }) as unknown as Api;
}

export type { ApiKey, Card, CofferEvent, Currency, Entry, Instrument, Quote, Rate, Transaction, VerifyReport, Wallet, Webhook };
export type Balance = Wallet['balance'];
export type BalanceAnswer = WalletBalance;
export type BalanceView = NonNullable<WalletBalance['views']>[number];
/** A hold or a pending credit: the fields the console shows of either. */
export type Reservation = Pick<Hold, 'id' | 'status' | 'currencyId' | 'amount' | 'walletId'>;
export type TrialBalanceRow = TrialBalance['data'][number];
export type Delivery = WebhookDelivery;
export type AuditRecord = AuditEntry;
