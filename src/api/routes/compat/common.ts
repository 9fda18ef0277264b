import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { runIdempotent } from '../../../services/idempotency.js';
import { idempotencyOf } from '../../idempotent.js';
import { type Balance, balanceOf } from '../../../domain/balance.js';
import type { Currency } from '../../../domain/currency.js';
import type { Wallet } from '../../../domain/wallet.js';
import { formatDecimal } from '../../../domain/money.js';
import type { Actor } from '../../../domain/api-key.js';
import type { ReadStore, TxStore } from '../../../domain/store-port.js';
import { canSee, notFound } from '../../../services/access.js';
import type { RuntimeContext } from '../../../services/runtime.js';
import { uuidPattern } from '../../../services/pagination.js';

/**
 * Shared pieces of the drop-in views (`/compat/…`, PRODUCT §12). The seeds show amounts as JSON
 * numbers (Paynetics `1.23`, Paysafe int64 minor units). Coffer never goes through a float:
 * a `JsonNumber` carries the exact decimal text and is written into the JSON as is.
 */
export class JsonNumber {
  constructor(readonly text: string) {}
}

const marker = `\u0001n${randomBytes(8).toString('hex')}:`;
const markerPattern = new RegExp(`"${marker.replace('\u0001', '\\\\u0001')}(-?[0-9]+(?:\\.[0-9]+)?)"`, 'g');

/** JSON.stringify that writes JsonNumbers as exact JSON numbers. */
export function rawJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, item: unknown) => (item instanceof JsonNumber ? `${marker}${item.text}` : item));
  return text.replace(markerPattern, '$1');
}

/** Sends a value whose amounts are JsonNumbers, with the exact decimal text. */
export function sendRaw(reply: FastifyReply, statusCode: number, value: unknown): FastifyReply {
  return reply.code(statusCode).type('application/json; charset=utf-8').send(rawJson(value));
}

/** An amount in the currency's major unit ("1.23" for 123 cents), as an exact JSON number. */
export function major(amount: bigint, currency: Pick<Currency, 'fraction'>): JsonNumber {
  return new JsonNumber(formatDecimal(amount, currency.fraction));
}

/** An amount in minor units, as an exact JSON integer (Paysafe's int64). */
export function minor(amount: bigint): JsonNumber {
  return new JsonNumber(amount.toString());
}

/** An ISO 8601 time without milliseconds, as the seeds write it (RFC 3339). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.[0-9]{3}Z$/, 'Z');
}

/** A wallet reference in a compat path: its id (UUID) or its serial (wallet number). */
export async function walletByRef(reader: ReadStore, actor: Actor, ref: string): Promise<Wallet> {
  const id = uuidPattern.test(ref) ? ref : await reader.findWalletIdBySerial(ref);
  const wallet = id === null ? null : await reader.getWallet(id);
  if (wallet === null || !canSee(actor, wallet.merchantId) || (wallet.category === 'system' && actor.role !== 'admin')) throw notFound('wallet', ref);
  return wallet;
}

/** A wallet's balance; a virtual wallet shows its parent's. */
export async function balanceOfWallet(reader: ReadStore, wallet: Wallet): Promise<Balance> {
  if (wallet.parentWalletId === null) return balanceOf(wallet.counters, wallet.creditLimit);
  const parent = await reader.getWallet(wallet.parentWalletId);
  return parent === null ? balanceOf(wallet.counters, wallet.creditLimit) : balanceOf(parent.counters, parent.creditLimit);
}

/** Loads currencies once per request. */
export function currencyCache(context: RuntimeContext, reader: ReadStore = context.store.read): (id: string) => Promise<Currency> {
  const cache = new Map<string, Promise<Currency>>();
  return (id) => {
    let found = cache.get(id);
    if (found === undefined) {
      found = reader.getCurrency(id).then((currency) => {
        if (currency === null) throw notFound('currency', id);
        return currency;
      });
      cache.set(id, found);
    }
    return found;
  };
}

/**
 * `replyIdempotent` for answers with exact JSON numbers: the stored answer is the JSON text
 * itself, so a replay is byte for byte the first answer.
 */
export async function replyIdempotentRaw(
  context: RuntimeContext,
  request: FastifyRequest,
  reply: FastifyReply,
  statusCode: number,
  work: (tx: TxStore) => Promise<unknown>,
): Promise<FastifyReply> {
  const outcome = await runIdempotent(context, idempotencyOf(request), async (tx) => ({ statusCode, body: { json: rawJson(await work(tx)) } }));
  if (outcome.replayed) void reply.header('Idempotent-Replayed', 'true');
  return reply
    .code(outcome.statusCode)
    .type('application/json; charset=utf-8')
    .send((outcome.body as { json: string }).json);
}
