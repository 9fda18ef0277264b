import type { RuntimeContext } from '../../services/runtime.js';
import { parseUnits, readBalanceInUnits } from '../../services/balance-units.js';
import { readBalance } from '../../services/ledger-reads.js';
import { countStatement, listStatement } from '../../services/statements.js';
import { statementCsv } from '../statement-csv.js';
import { countWallets, createWallet, createWallets, listWallets, patchWallet, visibleWallet, type WalletInput } from '../../services/wallets.js';
import { CofferError, isCofferError } from '../../domain/errors.js';
import { parseAmount } from '../../domain/money.js';
import type { Currency as CurrencyValue } from '../../domain/currency.js';
import type { Wallet as WalletValue } from '../../domain/wallet.js';
import { balanceParents } from '../../services/virtual-wallets.js';
import type { TypedApp } from '../typed-app.js';
import { replyCreated } from '../idempotent.js';
import { readContext } from '../read-routing.js';
import { presentBalanceView } from '../present-exchange.js';
import { presentBalanceReading, presentStatementEntry, presentWallet } from '../present.js';
import { errorResponses, IdParams, Page } from '../schemas/common.js';
import { EntryListQuery, StatementEntry } from '../schemas/transaction.js';
import {
  BalanceQuery,
  BalanceReading,
  Wallet,
  WalletBulkCreate,
  WalletBulkResult,
  WalletCreate,
  WalletGetQuery,
  WalletListQuery,
  WalletPatch,
} from '../schemas/wallet.js';

/** A credit limit of 0 is allowed, unlike a movement amount. */
function creditLimitOf(value: string | number | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (value === 0 || value === '0') return 0n;
  return parseAmount(value, 'creditLimit');
}

/** A low-balance threshold: minor units ≥ 0, or null to remove it. */
function thresholdOf(value: string | number | null | undefined): bigint | null | undefined {
  if (value === null) return null;
  return creditLimitOf(value);
}

export function walletRoutes(app: TypedApp, context: RuntimeContext): void {
  /** Presents wallets with their balance: a virtual wallet's is its parent's. */
  const present = async (wallets: readonly WalletValue[]) => {
    const parents = await balanceParents(context, wallets);
    return wallets.map((wallet) => presentWallet(wallet, wallet.parentWalletId === null ? undefined : parents.get(wallet.parentWalletId)));
  };
  const presentOne = async (wallet: WalletValue) => presentWallet(wallet, (await balanceParents(context, [wallet])).get(wallet.parentWalletId ?? ''));
  const tags = ['wallets'];

  app.post(
    '/v1/wallets',
    {
      schema: {
        tags,
        summary: 'Create a wallet (a retry with the same externalId and body returns the first one)',
        body: WalletCreate,
        response: { 200: Wallet, 201: Wallet, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { creditLimit, lowBalanceThreshold, ...rest } = request.body;
      const limit = creditLimitOf(creditLimit);
      const threshold = thresholdOf(lowBalanceThreshold);
      const input = {
        ...rest,
        ...(limit !== undefined ? { creditLimit: limit } : {}),
        ...(threshold !== undefined ? { lowBalanceThreshold: threshold } : {}),
      };
      return replyCreated(context, request, reply, async () => {
        const result = await createWallet(context, request.actor, input);
        return { statusCode: result.created ? 201 : 200, body: await presentOne(result.wallet) };
      });
    },
  );

  app.post(
    '/v1/wallets/bulk',
    {
      schema: {
        tags,
        summary: 'Create many wallets in one request (each independent; an externalId already there returns its wallet)',
        body: WalletBulkCreate,
        response: { 200: WalletBulkResult, ...errorResponses },
      },
    },
    async (request) => {
      const { items } = request.body;
      // An amount that is not one (too large, malformed) is bad input: the whole request is refused, naming the item.
      const inputs: WalletInput[] = items.map((item, index) => {
        const { creditLimit, lowBalanceThreshold, ...rest } = item;
        try {
          const limit = creditLimitOf(creditLimit);
          const threshold = thresholdOf(lowBalanceThreshold);
          return {
            ...rest,
            ...(limit !== undefined ? { creditLimit: limit } : {}),
            ...(threshold !== undefined ? { lowBalanceThreshold: threshold } : {}),
          };
        } catch (error) {
          if (!isCofferError(error)) throw error;
          throw new CofferError(error.code, `items.${index}: ${error.detail}`, error.errors);
        }
      });
      const outcomes = await createWallets(context, request.actor, inputs);
      const wallets = await present(outcomes.flatMap((outcome) => (outcome.status === 'failed' ? [] : [outcome.wallet])));
      let next = 0;
      const results = outcomes.map((outcome) =>
        outcome.status === 'failed'
          ? { index: outcome.index, status: outcome.status, error: { code: outcome.error.code, detail: outcome.error.detail } }
          : { index: outcome.index, status: outcome.status, wallet: wallets[next++] },
      );
      const count = (status: string) => results.filter((result) => result.status === status).length;
      return { created: count('created'), existing: count('existing'), failed: count('failed'), results };
    },
  );

  app.get(
    '/v1/wallets',
    { schema: { tags, summary: 'List wallets', querystring: WalletListQuery, response: { 200: Page(Wallet), ...errorResponses } } },
    async (request) => {
      const { status, expand: _expand, include, ...rest } = request.query;
      const query = { ...rest, ...(status !== undefined ? { status: status === 'inactive' ? ('blocked' as const) : status } : {}) };
      const reading = await readContext(context, request);
      const page = await listWallets(reading, request.actor, query);
      const total = include === 'total' ? { total: await countWallets(reading, request.actor, query) } : {};
      return { data: await present(page.data), nextCursor: page.nextCursor, ...total };
    },
  );

  app.get(
    '/v1/wallets/:id',
    { schema: { tags, summary: 'Get a wallet with its balance', params: IdParams, querystring: WalletGetQuery, response: { 200: Wallet, ...errorResponses } } },
    async (request) => {
      return presentOne(await visibleWallet(context, request.actor, request.params.id));
    },
  );

  app.patch(
    '/v1/wallets/:id',
    {
      schema: {
        tags,
        summary: 'Change name, alias, creditLimit, main or metadata',
        params: IdParams,
        body: WalletPatch,
        response: { 200: Wallet, ...errorResponses },
      },
    },
    async (request) => {
      const { creditLimit, lowBalanceThreshold, ...rest } = request.body;
      const limit = creditLimitOf(creditLimit);
      const threshold = thresholdOf(lowBalanceThreshold);
      return presentOne(
        await patchWallet(context, request.actor, request.params.id, {
          ...rest,
          ...(limit !== undefined ? { creditLimit: limit } : {}),
          ...(threshold !== undefined ? { lowBalanceThreshold: threshold } : {}),
        }),
      );
    },
  );

  app.get(
    '/v1/wallets/:id/balance',
    {
      schema: {
        tags,
        summary: 'Balance now, or at a past instant (at=)',
        params: IdParams,
        querystring: BalanceQuery,
        response: { 200: BalanceReading, ...errorResponses },
      },
    },
    async (request) => {
      const at = request.query.at !== undefined ? new Date(request.query.at) : undefined;
      const { units, valueIn } = request.query;
      if (units !== undefined || valueIn !== undefined) {
        const reading = await readBalanceInUnits(context, request.actor, request.params.id, at, {
          units: parseUnits(units),
          ...(valueIn !== undefined ? { valueIn } : {}),
        });
        return { ...presentBalanceReading(reading), views: reading.views.map(presentBalanceView) };
      }
      return presentBalanceReading(await readBalance(context, request.actor, request.params.id, at));
    },
  );

  app.get(
    '/v1/wallets/:id/entries',
    {
      schema: {
        tags,
        summary: 'Statement: posted entries, newest first, with the balance after each; JSON or CSV',
        description:
          "Each entry carries its transaction's `description` and `reference` and the counterparty wallet. `from` (inclusive) and `to` (exclusive) " +
          'narrow it to a date range. With `Accept: text/csv` the page comes as CSV (RFC 4180, a header row, amounts in minor units and as decimals; ' +
          'cells that would run as a spreadsheet formula are neutralised with a leading apostrophe); its next page is in the `Link` header ' +
          '(rel="next") and in `Coffer-Next-Cursor`.',
        params: IdParams,
        querystring: EntryListQuery,
        response: { 200: Page(StatementEntry), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { include, ...query } = request.query;
      const reading = await readContext(context, request);
      const page = await listStatement(reading, request.actor, request.params.id, query);
      const total = include === 'total' ? await countStatement(reading, request.actor, request.params.id, query) : undefined;
      if (!wantsCsv(request.headers.accept)) {
        return { data: page.data.map(presentStatementEntry), nextCursor: page.nextCursor, ...(total !== undefined ? { total } : {}) };
      }
      const currencies = new Map<string, CurrencyValue>();
      for (const id of new Set(page.data.map((entry) => entry.currencyId))) {
        const currency = await reading.store.read.getCurrency(id);
        if (currency !== null) currencies.set(id, currency);
      }
      if (page.nextCursor !== null) {
        const next = new URLSearchParams({ ...stringQuery(request.query), cursor: page.nextCursor });
        void reply.header('link', `<${request.url.split('?')[0]}?${next.toString()}>; rel="next"`).header('coffer-next-cursor', page.nextCursor);
      }
      if (total !== undefined) void reply.header('coffer-total', String(total));
      return reply.type('text/csv; charset=utf-8').send(statementCsv(page.data, (id) => currencies.get(id)));
    },
  );
}

/** Whether the client asked for CSV: `text/csv` named in Accept (without q=0). */
function wantsCsv(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept.split(',').some((part) => {
    const [type, ...parameters] = part.trim().toLowerCase().split(';');
    return type?.trim() === 'text/csv' && !parameters.some((parameter) => /^\s*q=0(\.0*)?\s*$/.test(parameter));
  });
}

function stringQuery(query: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).flatMap(([name, value]) => (value === undefined || name === 'cursor' ? [] : [[name, String(value)]])));
}
