import { Type } from 'typebox';
import type { Actor } from '../../../domain/api-key.js';
import type { Currency } from '../../../domain/currency.js';
import { CofferError } from '../../../domain/errors.js';
import type { Wallet } from '../../../domain/wallet.js';
import type { CompatAccount } from '../../../domain/compat-account.js';
import type { ReadStore } from '../../../domain/store-port.js';
import { limits } from '../../../domain/limits.js';
import { canSee, notFound, owningMerchant } from '../../../services/access.js';
import type { RuntimeContext } from '../../../services/runtime.js';
import { newId } from '../../../services/ids.js';
import { changeWalletStatusIn } from '../../../services/wallet-status.js';
import { insertClientWallet } from '../../../services/wallets.js';
import { isUniqueViolation } from '../../../store/database.js';
import type { TypedApp } from '../../typed-app.js';
import { replyIdempotent } from '../../idempotent.js';
import { errorResponses, Nullable, Uuid } from '../../schemas/common.js';
import { balanceOfWallet, major, rawJson, replyIdempotentRaw } from './common.js';

/**
 * Drop-in view of Paynetics accounts (`/compat/paynetics/v2/accounts`). A Paynetics account is a
 * customer's wallets in one program, one per currency (`multicurrency` when several): the
 * program's currencies are the codes after its first `_` ("account_eur" → EUR,
 * "account_eur_gbp" → EUR and GBP). Its token and each balance's token are Coffer ids.
 */

const Balance = Type.Object(
  {
    available: Type.Number({ description: 'Posted minus held, an exact decimal in the major unit.' }),
    blocked: Type.Number({ description: 'Held (open holds), an exact decimal in the major unit.' }),
    currency: Type.String(),
    token: Type.String({ description: 'The wallet id: usable as walletId in /v1.' }),
    iban: Nullable(Type.String()),
    sort_code: Nullable(Type.String()),
    account_number: Nullable(Type.String()),
    number: Type.String({ description: 'The wallet number (Coffer `serial`).' }),
    is_main: Type.Boolean(),
  },
  { additionalProperties: false },
);

const Account = Type.Object(
  {
    program: Type.String(),
    token: Uuid,
    merchant: Nullable(Type.String()),
    user: Nullable(Type.String()),
    type: Type.Enum(['default', 'virtual'], { description: "`virtual` for an account created with `main` (it uses its primary account's balance)." }),
    number: Type.String({ description: "The wallet number of the account's first balance." }),
    link_key: Type.String({ description: 'The last four characters of `number`.' }),
    is_main: Type.Boolean({ description: 'true for a primary account, false for a virtual one.' }),
    status: Type.Enum(['active', 'blocked', 'closed']),
    multicurrency: Type.Boolean(),
    balances: Type.Array(Balance),
  },
  { additionalProperties: false },
);

const Envelope = <T extends Parameters<typeof Type.Optional>[0]>(data: T) =>
  Type.Object({ code: Type.Integer({ description: '0: success.' }), data }, { additionalProperties: false });
const Ok = Type.Object({ code: Type.Integer({ description: '0: success.' }) }, { additionalProperties: false });

const AccountCreate = Type.Object(
  {
    program: Type.String({
      minLength: 1,
      maxLength: limits.identifierLengthMax,
      description: 'Program code; its currencies are the codes after the first `_` ("account_eur").',
    }),
    merchant: Type.Optional(
      Type.String({ maxLength: limits.identifierLengthMax, description: "Coffer `merchantId` (a merchant key's own merchant whatever this says)." }),
    ),
    user: Type.Optional(Type.String({ maxLength: limits.identifierLengthMax, description: 'Coffer `customerId`.' })),
    main: Type.Optional(
      Type.String({ maxLength: limits.identifierLengthMax, description: 'The primary account token: makes this a virtual account over its balances.' }),
    ),
    skip_iban_generation: Type.Optional(Type.Boolean()),
    alias: Type.Optional(Type.String({ maxLength: limits.compatAccountAliasLengthMax })),
  },
  { additionalProperties: false },
);

const AccountParams = Type.Object({ account: Uuid });
const StatusBody = Type.Object(
  { status: Type.Enum(['active', 'blocked', 'inactive'], { description: '`inactive` is an alias of `blocked`.' }) },
  { additionalProperties: false },
);
const ListParams = Type.Object({
  page: Type.Integer({ minimum: 1, maximum: limits.compatPageMax }),
  limit: Type.Integer({ minimum: 1, maximum: limits.compatPageSizeMax }),
});
const ListQuery = Type.Object(
  {
    merchant: Type.Optional(Type.String({ maxLength: limits.identifierLengthMax })),
    user: Type.Optional(Type.String({ maxLength: limits.identifierLengthMax })),
    program: Type.Optional(Type.String({ maxLength: limits.identifierLengthMax })),
  },
  { additionalProperties: false },
);

const blank = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value);

/** The active currencies a program names: the codes after its first `_`, any letter case; the oldest currency of a code. */
async function programCurrencies(reader: ReadStore, program: string): Promise<Currency[]> {
  const codes = program.split('_').slice(1).filter(Boolean);
  const found: Currency[] = [];
  for (const code of codes) {
    const [first] = [
      ...(await reader.listCurrencies({ code: code.toUpperCase(), active: true, limit: 1 })),
      ...(code !== code.toUpperCase() ? await reader.listCurrencies({ code, active: true, limit: 1 }) : []),
    ];
    if (first === undefined) {
      throw new CofferError('validation_failed', `Program "${program}" names currency "${code}", which is not an active currency.`, [
        { field: 'program', message: 'unknown currency code' },
      ]);
    }
    if (!found.some((currency) => currency.id === first.id)) found.push(first);
  }
  if (found.length === 0) {
    throw new CofferError('validation_failed', `Program "${program}" names no currency: write its codes after an underscore ("account_eur").`, [
      { field: 'program', message: 'names no currency' },
    ]);
  }
  return found;
}

async function visibleAccount(reader: ReadStore, actor: Actor, token: string): Promise<CompatAccount> {
  const account = await reader.getCompatAccount(token);
  if (account === null || !canSee(actor, account.merchantId)) throw notFound('account', token);
  return account;
}

async function accountWallets(reader: ReadStore, account: CompatAccount): Promise<Wallet[]> {
  const wallets = await reader.getWalletsByIds(account.walletIds);
  const byId = new Map(wallets.map((wallet) => [wallet.id, wallet]));
  return account.walletIds.map((id) => byId.get(id)).filter((wallet): wallet is Wallet => wallet !== undefined);
}

function statusOf(wallets: readonly Wallet[]): 'active' | 'blocked' | 'closed' {
  if (wallets.every((wallet) => wallet.status === 'closed')) return 'closed';
  return wallets.some((wallet) => wallet.status !== 'active') ? 'blocked' : 'active';
}

async function presentAccount(reader: ReadStore, account: CompatAccount) {
  const wallets = await accountWallets(reader, account);
  const balances = [];
  for (const wallet of wallets) {
    const currency = await reader.getCurrency(wallet.currencyId);
    if (currency === null) throw new Error(`wallet ${wallet.id} has no currency`);
    const balance = await balanceOfWallet(reader, wallet);
    // A virtual account shows its primary account's identifiers (it has none of its own).
    const instruments = (await reader.listInstruments(wallet.parentWalletId ?? wallet.id)).filter((instrument) => instrument.active);
    const iban = instruments.find((instrument) => instrument.kind === 'iban');
    const bank = instruments.find((instrument) => instrument.kind !== 'iban');
    balances.push({
      available: major(balance.available, currency),
      blocked: major(balance.held, currency),
      currency: currency.code,
      token: wallet.id,
      iban: iban?.iban ?? null,
      sort_code: bank?.sortCode ?? bank?.routingNumber ?? null,
      account_number: bank?.accountNumber ?? null,
      number: wallet.serial,
      is_main: account.mainToken === null,
    });
  }
  const number = wallets[0]?.serial ?? '';
  return {
    program: account.program,
    token: account.token,
    merchant: account.merchantId,
    user: account.customerId,
    type: account.mainToken === null ? 'default' : 'virtual',
    number,
    link_key: number.slice(-4),
    is_main: account.mainToken === null,
    status: wallets.length === 0 ? 'closed' : statusOf(wallets),
    multicurrency: wallets.length > 1,
    balances,
  };
}

export function compatPayneticsRoutes(app: TypedApp, context: RuntimeContext): void {
  const tags = ['compat: Paynetics'];
  // The store is read per request (never while routes are registered: the OpenAPI document is built without one).

  app.post(
    '/compat/paynetics/v2/accounts',
    {
      schema: {
        tags,
        summary: 'Create an account (Paynetics account_create)',
        description:
          'Creates one wallet per currency of the program for the merchant and user, with its IBAN or UK/US account unless `skip_iban_generation`; with `main`, a virtual account whose balances are virtual wallets of the primary account\'s. Honours Idempotency-Key. Answers `{"code": 0, "data": account}`.',
        body: AccountCreate,
        response: { 200: Envelope(Account), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { actor } = request;
      const body = request.body;
      const merchantId = owningMerchant(actor, blank(body.merchant));
      const customerId = blank(body.user);
      const mainToken = blank(body.main);
      const currencies = await programCurrencies(context.store.read, body.program);
      let parents: Map<string, Wallet> | null = null;
      if (mainToken !== null) {
        const main = await visibleAccount(context.store.read, actor, mainToken);
        if (main.merchantId !== merchantId || main.customerId !== customerId || main.mainToken !== null) {
          throw new CofferError('validation_failed', 'The primary (main) account must be a primary account of the same merchant and user.', [
            { field: 'main', message: 'not a fitting primary account' },
          ]);
        }
        parents = new Map((await accountWallets(context.store.read, main)).map((wallet) => [wallet.currencyId, wallet]));
        for (const currency of currencies) {
          const parent = parents.get(currency.id);
          if (parent === undefined || parent.status !== 'active')
            throw new CofferError('wallet_not_virtual_parent', `The primary account has no active ${currency.code} balance.`);
        }
      }
      try {
        return await replyIdempotentRaw(context, request, reply, 200, async (tx) => {
          const now = context.clock();
          const wallets: Wallet[] = [];
          for (const currency of currencies) {
            wallets.push(
              await insertClientWallet(
                tx,
                context,
                actor,
                {
                  currencyId: currency.id,
                  type: 'client',
                  merchantId,
                  customerId,
                  program: body.program,
                  alias: body.alias ?? null,
                  name: body.alias ?? null,
                  metadata: {},
                  parentWalletId: parents?.get(currency.id)?.id ?? null,
                  skipIbanGeneration: body.skip_iban_generation === true || parents !== null,
                },
                currency,
                now,
              ),
            );
          }
          const account: CompatAccount = {
            token: newId(now.getTime()),
            merchantId,
            customerId,
            program: body.program,
            mainToken,
            alias: body.alias ?? null,
            createdAt: now,
            walletIds: wallets.map((wallet) => wallet.id),
          };
          await tx.insertCompatAccount(account);
          return { code: 0, data: await presentAccount(tx, account) };
        });
      } catch (error) {
        if (isUniqueViolation(error, 'wallets_main')) throw new CofferError('main_wallet_conflict');
        throw error;
      }
    },
  );

  app.put(
    '/compat/paynetics/v2/accounts/:account/status',
    {
      schema: {
        tags,
        summary: 'Block or reactivate an account (Paynetics account_status)',
        description:
          'Sets every balance (wallet) of the account to `active` or `blocked` (`inactive` is an alias) in one database transaction; a blocked account\'s cards are frozen. The reason is optional, as in the seed. Answers `{"code": 0}`.',
        params: AccountParams,
        body: StatusBody,
        response: { 200: Ok, ...errorResponses },
      },
    },
    async (request, reply) => {
      const account = await visibleAccount(context.store.read, request.actor, request.params.account);
      return replyIdempotent(context, request, reply, 200, async (tx) => {
        const now = context.clock();
        for (const walletId of account.walletIds) await changeWalletStatusIn(tx, request.actor, walletId, { status: request.body.status }, now);
        return { code: 0 };
      });
    },
  );

  app.delete(
    '/compat/paynetics/v2/accounts/:account',
    {
      schema: {
        tags,
        summary: 'Terminate an account (Paynetics account_terminate)',
        description:
          'Closes every balance (wallet) of the account in one database transaction: irreversible; each must be empty with no open holds; its cards are destroyed and its IBANs deactivated. Answers `{"code": 0}`.',
        params: AccountParams,
        response: { 200: Ok, ...errorResponses },
      },
    },
    async (request, reply) => {
      const account = await visibleAccount(context.store.read, request.actor, request.params.account);
      return replyIdempotent(context, request, reply, 200, async (tx) => {
        const now = context.clock();
        for (const walletId of account.walletIds)
          await changeWalletStatusIn(tx, request.actor, walletId, { status: 'closed', reason: 'customer_request' }, now);
        return { code: 0 };
      });
    },
  );

  app.get(
    '/compat/paynetics/v2/accounts/:page/:limit',
    {
      schema: {
        tags,
        summary: 'List accounts (Paynetics accounts_list)',
        description:
          'Accounts page by page (page from 1, at most 100 per page), oldest first, filtered by merchant, user and program; a merchant key lists only its own. `total_items` counts every match (a string, as in the seed).',
        params: ListParams,
        querystring: ListQuery,
        response: {
          200: Envelope(Type.Object({ items: Type.Array(Account), total_items: Type.String() }, { additionalProperties: false })),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { actor } = request;
      const merchantId = actor.role === 'merchant' ? (actor.merchantId ?? '') : request.query.merchant;
      const filter = {
        ...(merchantId !== undefined ? { merchantId } : {}),
        ...(request.query.user !== undefined ? { customerId: request.query.user } : {}),
        ...(request.query.program !== undefined ? { program: request.query.program } : {}),
      };
      const { page, limit } = request.params;
      const accounts = await context.store.read.listCompatAccounts({ ...filter, offset: (page - 1) * limit, limit });
      const total = await context.store.read.countCompatAccounts(filter);
      const items = [];
      for (const account of accounts) items.push(await presentAccount(context.store.read, account));
      return reply
        .code(200)
        .type('application/json; charset=utf-8')
        .send(rawJson({ code: 0, data: { items, total_items: String(total) } }));
    },
  );

  app.get(
    '/compat/paynetics/v2/accounts/:account',
    {
      schema: {
        tags,
        summary: 'Get an account with its balances (Paynetics account_details)',
        description: 'The account and its balances: available and blocked as exact decimals, IBAN, sort code and account number.',
        params: AccountParams,
        response: { 200: Envelope(Account), ...errorResponses },
      },
    },
    async (request, reply) => {
      const account = await visibleAccount(context.store.read, request.actor, request.params.account);
      return reply
        .code(200)
        .type('application/json; charset=utf-8')
        .send(rawJson({ code: 0, data: await presentAccount(context.store.read, account) }));
    },
  );
}
