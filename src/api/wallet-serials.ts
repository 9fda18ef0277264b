import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/api-key.js';
import { canSee, notFound } from '../services/access.js';
import type { RuntimeContext } from '../services/runtime.js';
import { uuidPattern } from '../services/pagination.js';

/**
 * Wallet numbers (serials) work wherever a wallet id does (PRODUCT §3): in `/v1/wallets/{id}…`
 * paths, in the `walletId`, `fromWalletId`, `toWalletId`, `parentWalletId` fields of bodies
 * (and of batch items) and in `walletId` query filters. A serial is replaced by its wallet's id
 * before validation, so every route, access check and idempotency fingerprint sees ids only;
 * a serial of a wallet the key may not see answers 404 exactly as an unknown one does, naming
 * the serial the client sent (never the id behind it).
 */
const walletFields = ['walletId', 'fromWalletId', 'toWalletId', 'parentWalletId'] as const;
/** A serial: an optional currency prefix, then the 10 digits of the wallet sequence. */
const serialPattern = /^[A-Za-z0-9_-]{0,12}[0-9]{10}$/;

function isSerial(value: unknown): value is string {
  return typeof value === 'string' && !uuidPattern.test(value) && serialPattern.test(value);
}

export function registerWalletSerials(app: FastifyInstance, context: RuntimeContext): void {
  const resolve = async (actor: Actor, serial: string): Promise<string> => {
    const id = await context.store.read.findWalletIdBySerial(serial);
    const wallet = id === null || actor.role === 'admin' ? null : await context.store.read.getWallet(id);
    if (id === null || (actor.role !== 'admin' && (wallet === null || !canSee(actor, wallet.merchantId)))) throw notFound('wallet', serial);
    return id;
  };
  const rewrite = async (actor: Actor, object: unknown): Promise<void> => {
    if (object === null || typeof object !== 'object' || Array.isArray(object)) return;
    const record = object as Record<string, unknown>;
    for (const field of walletFields) {
      const value = record[field];
      if (isSerial(value)) record[field] = await resolve(actor, value);
    }
  };
  app.addHook('preValidation', async (request: FastifyRequest) => {
    if (!(request.routeOptions.url ?? '').startsWith('/v1/')) return;
    const actor = request.actor;
    const params = request.params as Record<string, unknown> | undefined;
    if ((request.routeOptions.url ?? '').startsWith('/v1/wallets/:id') && params !== undefined && isSerial(params.id))
      params.id = await resolve(actor, params.id);
    await rewrite(actor, request.query);
    await rewrite(actor, request.body);
    const items = (request.body as { items?: unknown } | null | undefined)?.items;
    if (Array.isArray(items)) for (const item of items) await rewrite(actor, item);
  });
}
