import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound } from '../services/access.js';
import type { ServiceContext } from '../services/context.js';
import { uuidPattern } from '../services/pagination.js';

/**
 * Wallet numbers (serials) work wherever a wallet id does (PRODUCT §3): in `/v1/wallets/{id}…`
 * paths, in the `walletId`, `fromWalletId`, `toWalletId`, `parentWalletId` fields of bodies
 * (and of batch items) and in `walletId` query filters. A serial is replaced by its wallet's id
 * before validation, so every route, access check and idempotency fingerprint sees ids only;
 * a serial of a wallet the key may not see answers 404 exactly as an unknown one does.
 */
const walletFields = ['walletId', 'fromWalletId', 'toWalletId', 'parentWalletId'] as const;
/** A serial: an optional currency prefix, then the 10 digits of the wallet sequence. */
const serialPattern = /^[A-Za-z0-9_-]{0,12}[0-9]{10}$/;

function isSerial(value: unknown): value is string {
  return typeof value === 'string' && !uuidPattern.test(value) && serialPattern.test(value);
}

export function registerWalletSerials(app: FastifyInstance, context: ServiceContext): void {
  const resolve = async (serial: string): Promise<string> => {
    const id = await context.store.read.findWalletIdBySerial(serial);
    if (id === null) throw notFound('wallet', serial);
    return id;
  };
  const rewrite = async (object: unknown): Promise<void> => {
    if (object === null || typeof object !== 'object' || Array.isArray(object)) return;
    const record = object as Record<string, unknown>;
    for (const field of walletFields) {
      const value = record[field];
      if (isSerial(value)) record[field] = await resolve(value);
    }
  };
  app.addHook('preValidation', async (request: FastifyRequest) => {
    if (!(request.routeOptions.url ?? '').startsWith('/v1/')) return;
    const params = request.params as Record<string, unknown> | undefined;
    if ((request.routeOptions.url ?? '').startsWith('/v1/wallets/:id') && params !== undefined && isSerial(params.id)) params.id = await resolve(params.id);
    await rewrite(request.query);
    await rewrite(request.body);
    const items = (request.body as { items?: unknown } | null | undefined)?.items;
    if (Array.isArray(items)) for (const item of items) await rewrite(item);
  });
}
