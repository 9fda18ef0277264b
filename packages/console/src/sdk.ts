// The console's only way to the API: the @coffer/sdk client. The interface below is the part of the
// agreed SDK surface the console uses, typed loosely (the screens read plain JSON shapes).
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

export interface Currency {
  id: string;
  code: string;
  numericCode: string | null;
  name: string;
  symbol: string | null;
  fraction: number;
  assetType: string;
  active: boolean;
  serialPrefix: string | null;
}
export interface Balance {
  posted: string;
  held: string;
  pending: string;
  available: string;
  ledger: string;
  creditLimit: string;
}
export interface Wallet {
  id: string;
  serial: string;
  name: string | null;
  currencyId: string;
  category: string;
  type: string;
  merchantId: string | null;
  customerId: string | null;
  externalId: string | null;
  alias: string | null;
  program: string | null;
  main: boolean;
  parentWalletId: string | null;
  status: 'active' | 'blocked' | 'closed';
  statusReason: string | null;
  statusDescription: string | null;
  statusChangedAt: string | null;
  statusChangedBy: string | null;
  balance: Balance;
  createdAt: string;
}
export interface BalanceView extends Balance {
  unit: 'major' | 'minor';
  currencyId: string;
  code: string;
  rate: string | null;
}
export interface BalanceAnswer {
  balance: Balance;
  views?: BalanceView[];
}
export interface Entry {
  id: string;
  transactionId: string;
  kind: string;
  walletId: string;
  currencyId: string;
  direction: 'debit' | 'credit';
  amount: string;
  pending: boolean;
  balanceAfter: string;
  createdAt: string;
}
export interface Transaction {
  id: string;
  kind: string;
  status: string;
  merchantId: string | null;
  currencyId: string;
  amount: string;
  fromWalletId: string | null;
  toWalletId: string | null;
  description: string | null;
  reference: string | null;
  reason: string | null;
  fees: { amount: string; description: string | null }[];
  reversesId: string | null;
  reversedAmount: string;
  createdAt: string;
  exchange: { rate: string; quoteId: string | null; targetCurrencyId: string; targetAmount: string } | null;
  entries?: Entry[];
}
export interface Reservation {
  id: string;
  status: string;
  currencyId: string;
  amount: string;
  walletId: string;
}
export interface Quote {
  id: string;
  rate: string;
  amount: string;
  targetAmount: string;
  expiresAt: string;
}
export interface Rate {
  baseCurrencyId: string;
  quoteCurrencyId: string;
  rate: string;
  setAt: string;
}
export interface Instrument {
  id: string;
  walletId: string;
  kind: string;
  iban: string | null;
  sortCode: string | null;
  routingNumber: string | null;
  accountNumber: string | null;
  active: boolean;
}
export interface Card {
  id: string;
  kind: string;
  maskedNumber: string;
  name: string | null;
  expirationDate: string;
  expirationStatus: string;
  active: boolean;
  frozen: boolean;
}
export interface TrialBalanceRow {
  currencyId: string;
  posted: string;
  pending: string;
  balanced: boolean;
  lines: { category: string; type: string; wallets: number; posted: string; pending: string }[];
}
export interface VerifyReport {
  ok: boolean;
  walletsChecked: number;
  firstDiscrepancy: string | null;
  journal: { links: number; head: string; firstBrokenLink: { seq: string | null; transactionId: string | null; reason: string } | null };
}
export interface CofferEvent {
  id: string;
  position: string;
  type: string;
  subjectId: string;
  createdAt: string;
  data: Record<string, unknown>;
}
export interface Webhook {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  status: string;
  createdAt: string;
}
export interface Delivery {
  id: string;
  eventId: string;
  eventType?: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
}
export interface ApiKey {
  id: string;
  name: string | null;
  prefix: string;
  last4: string;
  role: 'admin' | 'merchant';
  merchantId: string | null;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
}
export interface AuditRecord {
  id: string;
  action: string;
  subjectType: string;
  subjectId: string;
  merchantId: string | null;
  apiKeyId: string | null;
  requestId: string | null;
  changes: Record<string, { before?: unknown; after?: unknown }>;
  createdAt: string;
}
