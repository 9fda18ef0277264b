/**
 * Request and answer types of each operation, derived from the generated OpenAPI types
 * (openapi.d.ts, `npm run sdk:types`), plus named aliases for the resources.
 */
import type { paths } from './openapi.js';

export type { paths } from './openapi.js';

type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends HttpMethod> = NonNullable<paths[P][M]>;
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;

/** The query parameters of an operation. */
export type QueryOf<P extends keyof paths, M extends HttpMethod = 'get'> = Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The JSON body of an operation, with amounts accepted as `bigint` too. */
export type BodyOf<P extends keyof paths, M extends HttpMethod = 'post'> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? WithBigint<B> : never;

/** The success answer of an operation (200, 201 or 202). */
export type ResultOf<P extends keyof paths, M extends HttpMethod = 'get'> =
  Operation<P, M> extends { responses: infer R }
    ? (R extends { 200: infer A } ? Json<A> : never) | (R extends { 201: infer B } ? Json<B> : never) | (R extends { 202: infer C } ? Json<C> : never)
    : never;

/** The item type of a list operation's `data`. */
export type ItemOf<P extends keyof paths> = ResultOf<P, 'get'> extends { data: (infer T)[] } ? T : never;

/** A field that takes a string or a number (amounts) also takes a bigint, sent as a digit string. */
export type WithBigint<T> = [string] extends [T] ? ([number] extends [T] ? T | bigint : Deep<T>) : Deep<T>;
type Deep<T> = T extends readonly (infer U)[] ? WithBigint<U>[] : T extends object ? { [K in keyof T]: WithBigint<T[K]> } : T;

export type Currency = ResultOf<'/v1/currencies/{id}'>;
export type Wallet = ResultOf<'/v1/wallets/{id}'>;
export type WalletBalance = ResultOf<'/v1/wallets/{id}/balance'>;
export type Entry = ItemOf<'/v1/wallets/{id}/entries'>;
export type Transaction = ResultOf<'/v1/transactions/{id}'>;
export type Batch = ResultOf<'/v1/batches', 'post'>;
export type Hold = ResultOf<'/v1/holds/{id}'>;
export type PendingCredit = ResultOf<'/v1/pending-credits/{id}'>;
export type Rate = ResultOf<'/v1/rates/{baseCurrencyId}/{quoteCurrencyId}'>;
export type Quote = ResultOf<'/v1/quotes/{id}'>;
export type Exchange = ResultOf<'/v1/exchanges', 'post'>;
export type TrialBalance = ResultOf<'/v1/reports/trial-balance'>;
export type VerifyReport = ResultOf<'/v1/reports/verify'>;
export type ApiKey = ItemOf<'/v1/api-keys'>;
export type CreatedApiKey = ResultOf<'/v1/api-keys', 'post'>;
export type Webhook = ResultOf<'/v1/webhooks/{id}'>;
export type CreatedWebhook = ResultOf<'/v1/webhooks', 'post'>;
export type WebhookDelivery = ItemOf<'/v1/webhooks/{id}/deliveries'>;
export type CofferEvent = ItemOf<'/v1/events'>;
export type AuditEntry = ItemOf<'/v1/audit-log'>;
export type Instrument = ItemOf<'/v1/wallets/{id}/instruments'>;
export type Card = ItemOf<'/v1/wallets/{id}/cards'>;
export type CardAuthorization = ResultOf<'/v1/authorizations/{id}'>;

/** A loosely typed object, for routes the served OpenAPI document does not describe yet. */
export type Loose = Record<string, unknown>;
