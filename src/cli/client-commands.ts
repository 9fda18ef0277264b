/**
 * The client side of `coffer`: commands that talk to a running server through @coffer/sdk.
 * Money is shown in major units with the currency code and entered as `10.50`, `10.50 USD`
 * or `--minor 1050`; it never passes through a float. A money command prints the
 * Idempotency-Key it used (on stderr) and takes `--idempotency-key` to retry exactly once.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Coffer, formatMinor, parseMajor } from '@coffer/sdk';
import type { Invocation } from './main.js';
import { type Format, formatOf, printRecord, printRows, type Record_ } from './output.js';
import { UsageError } from './usage-error.js';

type Options = Invocation['options'];

interface Stored {
  readonly url?: string;
  readonly key?: string;
}

export function configPath(): string {
  const base = process.env.XDG_CONFIG_HOME !== undefined && process.env.XDG_CONFIG_HOME !== '' ? process.env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'coffer', 'config.json');
}

async function stored(): Promise<Stored> {
  try {
    return JSON.parse(await readFile(configPath(), 'utf8')) as Stored;
  } catch {
    return {};
  }
}

function text(options: Options, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

/** A client for the server named by --url / COFFER_URL / `coffer login`, with the key from --key / COFFER_KEY / `coffer login`. */
export async function connect(options: Options): Promise<Coffer> {
  const saved = await stored();
  const baseUrl = text(options, 'url') ?? process.env.COFFER_URL ?? saved.url ?? 'http://127.0.0.1:8080';
  const apiKey = text(options, 'key') ?? process.env.COFFER_KEY ?? saved.key;
  if (apiKey === undefined || apiKey === '') throw new UsageError('no API key: pass --key, set COFFER_KEY, or run `coffer login --url URL --key KEY` once');
  return new Coffer({ baseUrl, apiKey });
}

function need<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new UsageError(message);
  return value;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface CurrencyInfo {
  readonly id: string;
  readonly code: string;
  readonly fraction: string;
}

/** Per command run: currencies and wallets looked up once. */
class Lookups {
  private readonly currencies = new Map<string, Promise<CurrencyInfo>>();
  constructor(readonly coffer: Coffer) {}

  currency(id: string): Promise<CurrencyInfo> {
    let found = this.currencies.get(id);
    if (found === undefined) {
      found = this.coffer.currencies.get(id).then((currency) => ({ id: currency.id, code: currency.code, fraction: String(currency.fraction) }));
      this.currencies.set(id, found);
    }
    return found;
  }

  /** A currency by id or code (codes need not be unique: then the id is asked for). */
  async currencyRef(ref: string): Promise<CurrencyInfo> {
    if (uuid.test(ref)) return this.currency(ref);
    const { data } = await this.coffer.currencies.list({ code: ref.toUpperCase() } as never).page();
    if (data.length === 0) throw new UsageError(`no currency with code ${ref}`);
    if (data.length > 1) throw new UsageError(`${data.length} currencies have the code ${ref}; give the id (coffer currencies list)`);
    const [currency] = data;
    return { id: currency!.id, code: currency!.code, fraction: String(currency!.fraction) };
  }

  /** A wallet by id, or by its externalId. */
  async walletId(ref: string): Promise<string> {
    if (uuid.test(ref)) return ref;
    const { data } = await this.coffer.wallets.list({ externalId: ref }).page();
    if (data[0] === undefined) throw new UsageError(`no wallet with id or externalId "${ref}"`);
    return data[0].id;
  }

  async wallet(ref: string): Promise<{ id: string; currency: CurrencyInfo }> {
    const wallet = await this.coffer.wallets.get(await this.walletId(ref));
    return { id: wallet.id, currency: await this.currency(wallet.currencyId) };
  }

  async money(minor: string | null | undefined, currencyId: string): Promise<string> {
    if (minor === null || minor === undefined) return '';
    const currency = await this.currency(currencyId);
    return `${formatMinor(minor, currency.fraction)} ${currency.code}`;
  }
}

/**
 * The amount of a money command, in minor units: `--minor 1050`, or the words `10.50` / `10.50 USD`
 * / `"10.50 USD"` (a code given must be the wallet's currency code).
 */
export function amountOf(words: readonly string[], options: Options, currency: CurrencyInfo): string {
  const minor = text(options, 'minor');
  if (minor !== undefined) {
    if (words.length > 0) throw new UsageError('give the amount either in major units or with --minor, not both');
    if (!/^[0-9]+$/.test(minor)) throw new UsageError(`--minor takes a whole number of minor units, not "${minor}"`);
    return minor;
  }
  const parts = words.join(' ').trim().split(/\s+/).filter(Boolean);
  const [amount, code, ...rest] = parts;
  if (amount === undefined || rest.length > 0) throw new UsageError(`expected an amount like "10.50 ${currency.code}" or --minor 1050`);
  if (code !== undefined && code.toUpperCase() !== currency.code.toUpperCase()) {
    throw new UsageError(`the amount is in ${code} but the wallet is in ${currency.code}`);
  }
  let value: bigint;
  try {
    value = parseMajor(amount, currency.fraction);
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (${currency.code} has ${currency.fraction.length - 1} decimals)`);
  }
  if (value <= 0n) throw new UsageError('the amount must be positive');
  return value.toString();
}

function idempotencyKey(options: Options): string {
  const key = text(options, 'idempotency-key') ?? randomUUID();
  process.stderr.write(`Idempotency-Key: ${key}\n`);
  return key;
}

function details(options: Options): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['description', 'reference'] as const) {
    const value = text(options, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

interface TransactionLike {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly currencyId: string;
  readonly amount: string;
  readonly fromWalletId?: string | null;
  readonly toWalletId?: string | null;
  readonly createdAt: string;
  readonly description?: string | null;
}

async function transactionRecord(lookups: Lookups, transaction: TransactionLike): Promise<Record_> {
  return {
    id: transaction.id,
    kind: transaction.kind,
    status: transaction.status,
    amount: await lookups.money(transaction.amount, transaction.currencyId),
    from: transaction.fromWalletId ?? null,
    to: transaction.toWalletId ?? null,
    createdAt: transaction.createdAt,
  };
}

async function printTransaction(format: Format, lookups: Lookups, transaction: TransactionLike): Promise<number> {
  printRecord(format, await transactionRecord(lookups, transaction));
  return 0;
}

/** `coffer login --url URL --key KEY`: checks the key against the server, then stores both (mode 0600). */
export async function login(invocation: Invocation): Promise<number> {
  const url = need(text(invocation.options, 'url') ?? process.env.COFFER_URL, 'usage: coffer login --url URL --key KEY');
  const key = need(text(invocation.options, 'key') ?? process.env.COFFER_KEY, 'usage: coffer login --url URL --key KEY');
  const coffer = new Coffer({ baseUrl: url, apiKey: key });
  await coffer.currencies.list({ limit: 1 } as never).page();
  const path = configPath();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify({ url, key }, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  process.stdout.write(`coffer: logged in to ${url}; saved in ${path} (mode 0600)\n`);
  return 0;
}

export async function keys(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  const format = formatOf(options.output);
  const coffer = await connect(options);
  const columns = ['id', 'name', 'role', 'merchantId', 'scopes', 'prefix', 'createdAt', 'revokedAt'];
  const record = (key: Record<string, unknown>): Record_ =>
    Object.fromEntries(columns.map((column) => [column, Array.isArray(key[column]) ? (key[column] as string[]).join(',') : (key[column] as Record_[string])]));
  switch (args[0]) {
    case 'create': {
      const scopes = text(options, 'scopes')
        ?.split(',')
        .map((scope) => scope.trim());
      const created = await coffer.apiKeys.create({
        role: (text(options, 'role') ?? 'admin') as never,
        ...(text(options, 'name') !== undefined ? { name: text(options, 'name') } : {}),
        ...(text(options, 'merchant') !== undefined ? { merchantId: text(options, 'merchant') } : {}),
        ...(scopes !== undefined ? { scopes: scopes as never } : {}),
      });
      printRecord(format, { ...record(created as unknown as Record<string, unknown>), key: created.key });
      if (format === 'table') process.stderr.write('The key is shown only this once: store it now.\n');
      return 0;
    }
    case 'list': {
      const rows: Record_[] = [];
      for await (const key of coffer.apiKeys.list()) rows.push(record(key as unknown as Record<string, unknown>));
      printRows(format, rows, columns);
      return 0;
    }
    case 'revoke': {
      const revoked = await coffer.apiKeys.revoke(need(args[1], 'usage: coffer keys revoke ID'));
      printRecord(format, record(revoked as unknown as Record<string, unknown>));
      return 0;
    }
    default:
      throw new UsageError('usage: coffer keys create [--name N] [--role admin|merchant] [--merchant ID] [--scopes read,write] | list | revoke ID');
  }
}

export async function currencies(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  const format = formatOf(options.output);
  const coffer = await connect(options);
  const columns = ['id', 'code', 'name', 'fraction', 'assetType', 'active'];
  const record = (currency: Record<string, unknown>): Record_ => Object.fromEntries(columns.map((column) => [column, currency[column] as Record_[string]]));
  switch (args[0]) {
    case 'list': {
      const rows: Record_[] = [];
      const code = text(options, 'code');
      for await (const currency of coffer.currencies.list(code !== undefined ? ({ code } as never) : undefined))
        rows.push(record(currency as unknown as Record<string, unknown>));
      printRows(format, rows, columns);
      return 0;
    }
    case 'import': {
      const created = await coffer.currencies.importIso(need(args[1], 'usage: coffer currencies import CODE (an ISO 4217 code, e.g. USD)').toUpperCase());
      printRecord(format, record(created as unknown as Record<string, unknown>));
      return 0;
    }
    case 'create': {
      const code = need(
        args[1] ?? text(options, 'code'),
        'usage: coffer currencies create CODE --name NAME --fraction 100 [--asset-type fiat|crypto|points|…]',
      );
      const created = await coffer.currencies.create({
        code,
        name: text(options, 'name') ?? code,
        fraction: (text(options, 'fraction') ?? '100') as never,
        assetType: (text(options, 'asset-type') ?? 'points') as never,
      });
      printRecord(format, record(created as unknown as Record<string, unknown>));
      return 0;
    }
    default:
      throw new UsageError('usage: coffer currencies list [--code C] | create CODE --name N --fraction F --asset-type T | import CODE');
  }
}

export async function rates(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  const format = formatOf(options.output);
  const coffer = await connect(options);
  const lookups = new Lookups(coffer);
  const record = async (rate: { baseCurrencyId: string; quoteCurrencyId: string; rate: string; setAt: string }): Promise<Record_> => ({
    base: (await lookups.currency(rate.baseCurrencyId)).code,
    quote: (await lookups.currency(rate.quoteCurrencyId)).code,
    rate: rate.rate,
    setAt: rate.setAt,
    baseCurrencyId: rate.baseCurrencyId,
    quoteCurrencyId: rate.quoteCurrencyId,
  });
  switch (args[0]) {
    case 'set': {
      const [, base, quote, rate] = args;
      if (base === undefined || quote === undefined || rate === undefined)
        throw new UsageError('usage: coffer rates set BASE QUOTE RATE (e.g. rates set USD EUR 0.92)');
      if (!/^[0-9]+(\.[0-9]+)?$/.test(rate)) throw new UsageError(`a rate is a decimal like 0.92, not "${rate}"`);
      const set = await coffer.rates.set((await lookups.currencyRef(base)).id, (await lookups.currencyRef(quote)).id, { rate });
      printRecord(format, await record(set));
      return 0;
    }
    case 'list': {
      const rows: Record_[] = [];
      for await (const rate of coffer.rates.list()) rows.push(await record(rate));
      printRows(format, rows, ['base', 'quote', 'rate', 'setAt']);
      return 0;
    }
    default:
      throw new UsageError('usage: coffer rates set BASE QUOTE RATE | rates list');
  }
}

interface WalletLike {
  readonly id: string;
  readonly serial?: string | null;
  readonly currencyId: string;
  readonly externalId?: string | null;
  readonly name?: string | null;
  readonly category?: string;
  readonly type?: string;
  readonly status?: string;
  readonly balance?: { readonly available?: string; readonly posted?: string } | null;
}

async function walletRecord(lookups: Lookups, wallet: WalletLike): Promise<Record_> {
  return {
    id: wallet.id,
    serial: wallet.serial ?? null,
    externalId: wallet.externalId ?? null,
    name: wallet.name ?? null,
    type: wallet.type ?? null,
    status: wallet.status ?? null,
    posted: await lookups.money(wallet.balance?.posted, wallet.currencyId),
    available: await lookups.money(wallet.balance?.available, wallet.currencyId),
  };
}

export async function wallets(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  const format = formatOf(options.output);
  const coffer = await connect(options);
  const lookups = new Lookups(coffer);
  const columns = ['id', 'serial', 'externalId', 'name', 'type', 'status', 'posted', 'available'];
  switch (args[0]) {
    case 'list': {
      const currency = text(options, 'currency');
      const query: Record<string, string> = {};
      if (currency !== undefined) query.currencyId = (await lookups.currencyRef(currency)).id;
      for (const name of ['category', 'status'] as const) if (text(options, name) !== undefined) query[name] = text(options, name)!;
      if (text(options, 'external-id') !== undefined) query.externalId = text(options, 'external-id')!;
      const rows: Record_[] = [];
      const limit = text(options, 'limit') !== undefined ? Number(text(options, 'limit')) : Number.POSITIVE_INFINITY;
      for await (const wallet of coffer.wallets.list(query as never)) {
        if (rows.length >= limit) break;
        rows.push(await walletRecord(lookups, wallet as unknown as WalletLike));
      }
      printRows(format, rows, columns);
      return 0;
    }
    case 'create': {
      const currency = await lookups.currencyRef(
        need(text(options, 'currency') ?? args[1], 'usage: coffer wallets create --currency CODE [--external-id ID] [--name NAME]'),
      );
      const created = await coffer.wallets.create(
        {
          currencyId: currency.id,
          ...(text(options, 'external-id') !== undefined ? { externalId: text(options, 'external-id') } : {}),
          ...(text(options, 'name') !== undefined ? { name: text(options, 'name') } : {}),
          ...(text(options, 'merchant') !== undefined ? { merchantId: text(options, 'merchant') } : {}),
        },
        { idempotencyKey: text(options, 'idempotency-key') ?? randomUUID() },
      );
      printRecord(format, await walletRecord(lookups, created as unknown as WalletLike));
      return 0;
    }
    case 'show': {
      const wallet = await coffer.wallets.get(await lookups.walletId(need(args[1], 'usage: coffer wallets show WALLET')));
      if (format === 'table')
        printRecord(format, {
          ...(await walletRecord(lookups, wallet as unknown as WalletLike)),
          currency: (await lookups.currency(wallet.currencyId)).code,
          createdAt: wallet.createdAt,
        });
      else process.stdout.write(`${JSON.stringify(wallet, null, format === 'json' ? 2 : undefined)}\n`);
      return 0;
    }
    case 'balance': {
      const wallet = await lookups.wallet(need(args[1], 'usage: coffer wallets balance WALLET'));
      const reading = (await coffer.wallets.balance(wallet.id)) as unknown as { at?: string; balance?: Record<string, unknown> };
      const balance = reading.balance ?? {};
      const record: Record<string, Record_[string]> = { walletId: wallet.id };
      for (const field of ['posted', 'held', 'pending', 'available', 'ledger', 'creditLimit']) {
        if (typeof balance[field] === 'string') record[field] = await lookups.money(balance[field] as string, wallet.currency.id);
      }
      if (reading.at !== undefined) record.at = reading.at;
      printRecord(format, record);
      return 0;
    }
    case 'status': {
      const [, ref, status] = args;
      if (ref === undefined || status === undefined)
        throw new UsageError('usage: coffer wallets status WALLET active|blocked|closed [--reason R] [--description D]');
      const changed = await coffer.wallets.setStatus(await lookups.walletId(ref), {
        status: status as never,
        reason: (text(options, 'reason') ?? 'other') as never,
        ...(text(options, 'description') !== undefined ? { description: text(options, 'description') } : {}),
      });
      printRecord(format, await walletRecord(lookups, changed as unknown as WalletLike));
      return 0;
    }
    default:
      throw new UsageError('usage: coffer wallets list [--currency C] | create --currency C | show WALLET | balance WALLET | status WALLET STATUS');
  }
}

async function oneWalletMoney(
  invocation: Invocation,
  verb: string,
  post: (coffer: Coffer, walletId: string, amount: string, key: string) => Promise<TransactionLike>,
): Promise<number> {
  const { args, options } = invocation;
  const format = formatOf(options.output);
  const coffer = await connect(options);
  const lookups = new Lookups(coffer);
  const wallet = await lookups.wallet(need(args[0], `usage: coffer ${verb} WALLET AMOUNT [CODE] (or --minor N)`));
  const amount = amountOf(args.slice(1), options, wallet.currency);
  return printTransaction(format, lookups, await post(coffer, wallet.id, amount, idempotencyKey(options)));
}

export const topup = (invocation: Invocation) =>
  oneWalletMoney(invocation, 'topup', (coffer, walletId, amount, key) =>
    coffer.topups.create({ walletId, amount, ...details(invocation.options) }, { idempotencyKey: key }),
  );

export const withdraw = (invocation: Invocation) =>
  oneWalletMoney(invocation, 'withdraw', (coffer, walletId, amount, key) =>
    coffer.withdrawals.create({ walletId, amount, ...details(invocation.options) }, { idempotencyKey: key }),
  );

export async function transfer(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  const format = formatOf(options.output);
  const coffer = await connect(options);
  const lookups = new Lookups(coffer);
  const [fromRef, toRef, ...amountWords] = args;
  if (fromRef === undefined || toRef === undefined) throw new UsageError('usage: coffer transfer FROM TO AMOUNT [CODE] (or --minor N)');
  const from = await lookups.wallet(fromRef);
  const toWalletId = await lookups.walletId(toRef);
  const amount = amountOf(amountWords, options, from.currency);
  const posted = await coffer.transfers.create({ fromWalletId: from.id, toWalletId, amount, ...details(options) }, { idempotencyKey: idempotencyKey(options) });
  return printTransaction(format, lookups, posted);
}

export async function exchange(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  const format = formatOf(options.output);
  const coffer = await connect(options);
  const lookups = new Lookups(coffer);
  const [fromRef, toRef, ...amountWords] = args;
  if (fromRef === undefined || toRef === undefined) throw new UsageError('usage: coffer exchange FROM TO AMOUNT [CODE] [--quote QUOTE_ID]');
  const from = await lookups.wallet(fromRef);
  const to = await lookups.wallet(toRef);
  const amount = amountOf(amountWords, options, from.currency);
  const quoteId = text(options, 'quote');
  const result = (await coffer.exchanges.create(
    { fromWalletId: from.id, toWalletId: to.id, amount, ...(quoteId !== undefined ? { quoteId } : {}), ...details(options) },
    { idempotencyKey: idempotencyKey(options) },
  )) as unknown as TransactionLike & { exchange?: { rate: string; targetAmount: string } | null };
  printRecord(format, {
    ...(await transactionRecord(lookups, result)),
    rate: result.exchange?.rate ?? null,
    received: result.exchange !== null && result.exchange !== undefined ? await lookups.money(result.exchange.targetAmount, to.currency.id) : null,
  });
  return 0;
}

interface HoldLike {
  readonly id: string;
  readonly status: string;
  readonly walletId: string;
  readonly currencyId?: string;
  readonly amount: string;
  readonly expiresAt?: string | null;
}

async function holdRecord(lookups: Lookups, hold: HoldLike): Promise<Record_> {
  const currencyId = hold.currencyId ?? (await lookups.wallet(hold.walletId)).currency.id;
  return { id: hold.id, status: hold.status, walletId: hold.walletId, amount: await lookups.money(hold.amount, currencyId), expiresAt: hold.expiresAt ?? null };
}

export async function hold(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  const format = formatOf(options.output);
  const coffer = await connect(options);
  const lookups = new Lookups(coffer);
  const wallet = await lookups.wallet(need(args[0], 'usage: coffer hold WALLET AMOUNT [CODE] [--to WALLET]'));
  const amount = amountOf(args.slice(1), options, wallet.currency);
  const to = text(options, 'to');
  const created = await coffer.holds.create(
    { walletId: wallet.id, amount, ...(to !== undefined ? { toWalletId: await lookups.walletId(to) } : {}), ...details(options) },
    { idempotencyKey: idempotencyKey(options) },
  );
  printRecord(format, await holdRecord(lookups, created as unknown as HoldLike));
  return 0;
}

export async function capture(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  const format = formatOf(options.output);
  const coffer = await connect(options);
  const lookups = new Lookups(coffer);
  const id = need(args[0], 'usage: coffer capture HOLD [AMOUNT [CODE] | --minor N]');
  let body = {};
  if (args.length > 1 || text(options, 'minor') !== undefined) {
    const held = (await coffer.holds.get(id)) as unknown as HoldLike;
    body = { amount: amountOf(args.slice(1), options, (await lookups.wallet(held.walletId)).currency) };
  }
  const captured = await coffer.holds.capture(id, body, { idempotencyKey: idempotencyKey(options) });
  printRecord(format, await holdRecord(lookups, captured as unknown as HoldLike));
  return 0;
}

export async function voidHold(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  const format = formatOf(options.output);
  const coffer = await connect(options);
  const lookups = new Lookups(coffer);
  const voided = await coffer.holds.void(need(args[0], 'usage: coffer void HOLD'), { idempotencyKey: idempotencyKey(options) });
  printRecord(format, await holdRecord(lookups, voided as unknown as HoldLike));
  return 0;
}

export async function reverse(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  const format = formatOf(options.output);
  const coffer = await connect(options);
  const lookups = new Lookups(coffer);
  const id = need(args[0], 'usage: coffer reverse TRANSACTION [AMOUNT [CODE] | --minor N] [--reason R]');
  const body: Record<string, string> = { ...details(options) };
  if (text(options, 'reason') !== undefined) body.reason = text(options, 'reason')!;
  if (args.length > 1 || text(options, 'minor') !== undefined) {
    const original = (await coffer.transactions.get(id)) as unknown as TransactionLike;
    body.amount = amountOf(args.slice(1), options, await lookups.currency(original.currencyId));
  }
  const reversal = await coffer.transactions.reverse(id, body as never, { idempotencyKey: idempotencyKey(options) });
  return printTransaction(format, lookups, reversal as unknown as TransactionLike);
}

/**
 * `coffer statement WALLET [--from DATE] [--to DATE] [--csv]`: posted entries with the balance after
 * each. `--from` (inclusive) and `--to` (exclusive) go to the server as they are (ISO 8601: a date or a
 * date-time with offset; the server refuses anything else). `--csv` prints the server's CSV statement
 * (RFC 4180, newest first, every page); otherwise the entries are printed oldest first.
 */
export async function statement(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  const coffer = await connect(options);
  const lookups = new Lookups(coffer);
  const wallet = await lookups.wallet(need(args[0], 'usage: coffer statement WALLET [--from DATE] [--to DATE] [--csv|--json]'));
  const from = text(options, 'from');
  const to = text(options, 'to');
  const range = { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
  if (options.csv === true) {
    for await (const page of coffer.wallets.entriesCsv(wallet.id, range)) process.stdout.write(page);
    return 0;
  }
  const format: Format = options.json === true ? 'json' : formatOf(options.output);
  const rows: Record_[] = [];
  const { code, fraction } = wallet.currency;
  for await (const entry of coffer.wallets.entries(wallet.id, range)) {
    const signed = entry.direction === 'credit' ? entry.amount : `-${entry.amount}`;
    rows.push({
      createdAt: entry.createdAt,
      kind: entry.kind,
      transactionId: entry.transactionId,
      amount: `${formatMinor(signed, fraction)} ${code}`,
      balanceAfter: `${formatMinor(entry.balanceAfter, fraction)} ${code}`,
      description: entry.description,
      reference: entry.reference,
      pending: entry.pending,
    });
  }
  rows.reverse();
  printRows(format, rows, ['createdAt', 'kind', 'transactionId', 'amount', 'balanceAfter', 'description', 'reference']);
  return 0;
}

export async function trialBalance(invocation: Invocation): Promise<number> {
  const { options } = invocation;
  const format = formatOf(options.output);
  const coffer = await connect(options);
  const lookups = new Lookups(coffer);
  const report = (await coffer.reports.trialBalance()) as unknown as {
    data: {
      currencyId: string;
      posted: string;
      pending: string;
      balanced: boolean;
      lines: { category: string; type: string; wallets: number; posted: string; pending: string }[];
    }[];
  };
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const rows: Record_[] = [];
  for (const section of report.data) {
    const code = (await lookups.currency(section.currencyId)).code;
    for (const line of section.lines) {
      rows.push({
        currency: code,
        category: line.category,
        type: line.type,
        wallets: line.wallets,
        posted: await lookups.money(line.posted, section.currencyId),
        pending: await lookups.money(line.pending, section.currencyId),
      });
    }
    rows.push({
      currency: code,
      category: 'total',
      type: section.balanced ? 'balanced' : 'NOT BALANCED',
      wallets: null,
      posted: await lookups.money(section.posted, section.currencyId),
      pending: await lookups.money(section.pending, section.currencyId),
    });
  }
  printRows(format, rows, ['currency', 'category', 'type', 'wallets', 'posted', 'pending']);
  return report.data.every((section) => section.balanced) ? 0 : 1;
}

/** `coffer events tail`: follows the live stream (one JSON line per event unless on a terminal) until interrupted. */
export async function events(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  if (args[0] !== 'tail') throw new UsageError('usage: coffer events tail [--after POSITION]');
  const format = formatOf(options.output ?? (process.stdout.isTTY ? 'table' : 'jsonl'));
  const coffer = await connect(options);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const after = text(options, 'after');
  for await (const event of coffer.events.stream({ signal: controller.signal, ...(after !== undefined ? { after } : {}) })) {
    const record = event as unknown as Record<string, unknown>;
    if (format === 'table')
      process.stdout.write(`${String(record.position)}  ${String(record.createdAt ?? '')}  ${String(record.type)}  ${JSON.stringify(record.data ?? {})}\n`);
    else process.stdout.write(`${JSON.stringify(record)}\n`);
  }
  return 0;
}
