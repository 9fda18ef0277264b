/**
 * Bulk commands: `coffer import wallets FILE` and `coffer export transactions|entries`.
 *
 * An import is safe to run again and to resume after an interruption: every row names its wallet
 * by `externalId` (creating it again returns the first one), and opening balances are topped up in
 * batches whose Idempotency-Key is derived from their content, only for wallets still at zero. A second
 * run changes nothing; a run cut off anywhere finishes the rest. (After the server forgot the keys,
 * COFFER_IDEMPOTENCY_TTL_HOURS, the "still at zero" rule alone guards the opening balances.)
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { formatMinor, parseMajor } from '@coffer/sdk';
import type { Coffer } from '@coffer/sdk';
import { connect } from './client-commands.js';
import type { Invocation } from './main.js';
import { csvLine, formatOf } from './output.js';
import { UsageError } from './usage-error.js';

interface Row {
  readonly line: number;
  readonly externalId: string;
  readonly currency: string;
  readonly name?: string;
  readonly customerId?: string;
  readonly merchantId?: string;
  /** Major units ("10.50") or, from `openingBalanceMinor`, minor units prefixed with "minor:". */
  readonly opening?: string;
}

/** Splits one CSV line (RFC 4180 quoting, no line breaks inside fields). */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

function rowOf(record: Record<string, unknown>, line: number, defaultCurrency: string | undefined): Row {
  const value = (name: string): string | undefined => {
    const raw = record[name];
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (typeof raw !== 'string' && typeof raw !== 'number') throw new UsageError(`line ${line}: ${name} must be a string`);
    return String(raw).trim();
  };
  const externalId = value('externalId');
  if (externalId === undefined) throw new UsageError(`line ${line}: externalId is required (it makes the import safe to run again)`);
  const currency = value('currency') ?? defaultCurrency;
  if (currency === undefined) throw new UsageError(`line ${line}: no currency (add a currency column or pass --currency)`);
  const major = value('openingBalance');
  const minor = value('openingBalanceMinor');
  if (major !== undefined && minor !== undefined) throw new UsageError(`line ${line}: give openingBalance or openingBalanceMinor, not both`);
  if (minor !== undefined && !/^[0-9]+$/.test(minor)) throw new UsageError(`line ${line}: openingBalanceMinor must be digits`);
  const opening = minor !== undefined ? `minor:${minor}` : major;
  return {
    line,
    externalId,
    currency,
    ...(value('name') !== undefined ? { name: value('name') } : {}),
    ...(value('customerId') !== undefined ? { customerId: value('customerId') } : {}),
    ...(value('merchantId') !== undefined ? { merchantId: value('merchantId') } : {}),
    ...(opening !== undefined ? { opening } : {}),
  };
}

/** Reads the rows of a CSV file (with a header line) or a JSON lines file (`.jsonl`/`.ndjson`, or lines starting with `{`). */
async function* readRows(file: string, defaultCurrency: string | undefined): AsyncGenerator<Row> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let header: string[] | undefined;
  let number = 0;
  for await (const text of lines) {
    number++;
    const line = text.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (header === undefined && line.startsWith('{')) {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        throw new UsageError(`line ${number}: not valid JSON`);
      }
      if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new UsageError(`line ${number}: expected a JSON object`);
      yield rowOf(record as Record<string, unknown>, number, defaultCurrency);
      continue;
    }
    if (header === undefined) {
      header = parseCsvLine(line).map((name) => name.trim());
      if (!header.includes('externalId')) throw new UsageError(`${file}: the CSV header must name an externalId column (got ${header.join(',')})`);
      continue;
    }
    const fields = parseCsvLine(line);
    yield rowOf(Object.fromEntries(header.map((name, index) => [name, fields[index]])), number, defaultCurrency);
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 40);
}

/** Rows per POST /v1/wallets/bulk (at most 1,000) and per batch of opening balances. */
const chunkSize = 250;

interface BulkWallet {
  readonly id: string;
  readonly currencyId: string;
  readonly balance: { readonly posted: string; readonly held: string; readonly pending: string };
}

interface Summary {
  rows: number;
  /** Wallets new, or found still empty (created by an interrupted run): these get their opening balance. */
  created: number;
  existing: number;
  toppedUp: number;
  openingSkipped: number;
  failed: number;
}

export async function importCommand(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  const [what, file] = args;
  if (what !== 'wallets' || file === undefined) {
    throw new UsageError(
      'usage: coffer import wallets FILE [--currency CODE] [--concurrency N]  (CSV with a header, or JSON lines: externalId, currency, name, openingBalance|openingBalanceMinor, customerId)',
    );
  }
  await stat(file).catch(() => {
    throw new UsageError(`no such file: ${file}`);
  });
  const defaultCurrency = typeof options.currency === 'string' ? options.currency : undefined;
  const concurrency = Math.max(1, Math.min(16, Number(options.concurrency ?? 2) || 2));
  // Count the rows first (and validate every line) so the bar has a total and a bad file changes nothing.
  let total = 0;
  for await (const _row of readRows(file, defaultCurrency)) total++;

  const coffer = await connect(options);
  const currencies = new Map<string, Promise<{ id: string; code: string; fraction: string }>>();
  const currencyOf = (ref: string) => {
    let found = currencies.get(ref);
    if (found === undefined) {
      found = resolveCurrency(coffer, ref);
      currencies.set(ref, found);
    }
    return found;
  };

  const { SingleBar, Presets } = await import('cli-progress');
  const interactive = process.stderr.isTTY === true;
  const bar = new SingleBar(
    {
      format: 'importing wallets [{bar}] {value}/{total} rows | {eta_formatted} left | {created} created, {toppedUp} topped up, {failed} failed',
      stream: process.stderr,
      noTTYOutput: !interactive,
      notTTYSchedule: 5000,
      etaBuffer: 500,
    },
    Presets.shades_classic,
  );
  const summary: Summary = { rows: 0, created: 0, existing: 0, toppedUp: 0, openingSkipped: 0, failed: 0 };
  const failures: string[] = [];
  bar.start(total, 0, { created: 0, toppedUp: 0, failed: 0 });

  const runChunk = async (rows: readonly Row[]) => {
    // Each row's currency and opening amount; a row that fails here is reported and left out.
    const prepared = await Promise.all(
      rows.map(async (row) => {
        try {
          const currency = await currencyOf(row.currency);
          let amount: string | undefined;
          if (row.opening !== undefined) {
            amount = row.opening.startsWith('minor:') ? row.opening.slice('minor:'.length) : parseMajor(row.opening, currency.fraction).toString();
            if (BigInt(amount) <= 0n) amount = undefined;
          }
          return { row, currency, amount, ok: true as const };
        } catch (error) {
          summary.failed++;
          failures.push(`line ${row.line} (${row.externalId}): ${describe(error)}`);
          return { row, ok: false as const };
        }
      }),
    );
    const ready = prepared.flatMap((item) => (item.ok ? [item] : []));
    // One request for the whole chunk (POST /v1/wallets/bulk): an externalId already there answers its wallet.
    let answer: { results: readonly { index: number; status: string; wallet?: BulkWallet; error?: { code: string; detail: string } }[] } | undefined;
    if (ready.length > 0) {
      try {
        answer = (await coffer.wallets.createMany({
          items: ready.map(({ row, currency }) => ({
            currencyId: currency.id,
            externalId: row.externalId,
            ...(row.name !== undefined ? { name: row.name } : {}),
            ...(row.customerId !== undefined ? { customerId: row.customerId } : {}),
            ...(row.merchantId !== undefined ? { merchantId: row.merchantId } : {}),
          })),
        })) as unknown as typeof answer;
      } catch (error) {
        summary.failed += ready.length;
        failures.push(`lines ${ready[0]?.row.line}–${ready.at(-1)?.row.line}: ${describe(error)}`);
      }
    }
    const wallets = (answer?.results ?? []).map((result) => {
      const item = ready[result.index];
      const wallet = result.wallet;
      if (item === undefined || result.status === 'failed' || wallet === undefined) {
        summary.failed++;
        failures.push(`line ${item?.row.line} (${item?.row.externalId}): ${result.error?.code}: ${result.error?.detail}`);
        return { ok: false as const };
      }
      if (wallet.currencyId !== item.currency.id) {
        summary.failed++;
        failures.push(`line ${item.row.line} (${item.row.externalId}): externalId ${item.row.externalId} already names a wallet in another currency`);
        return { ok: false as const };
      }
      const zero = wallet.balance.posted === '0' && wallet.balance.held === '0' && wallet.balance.pending === '0';
      return { row: item.row, walletId: wallet.id, zero, amount: item.amount, ok: true as const };
    });
    for (const wallet of wallets) {
      if (!wallet.ok) continue;
      // Counted from the balance, not the status: a resumed run sees what the interrupted one created.
      if (wallet.zero) summary.created++;
      else summary.existing++;
    }
    const topups = wallets.flatMap((wallet) =>
      wallet.ok && wallet.amount !== undefined && wallet.zero ? [{ walletId: wallet.walletId, amount: wallet.amount, line: wallet.row.line }] : [],
    );
    summary.openingSkipped += wallets.filter((wallet) => wallet.ok && wallet.amount !== undefined && !wallet.zero).length;
    if (topups.length > 0) {
      const items = topups.map(({ walletId, amount }) => ({ kind: 'topup' as const, walletId, amount, reference: 'opening balance' }));
      const key = `import-${digest(JSON.stringify(items))}`;
      try {
        const batch = (await coffer.batches.create({ atomic: false, items }, { idempotencyKey: key })) as unknown as {
          results: { index: number; status: string; error?: { code: string; detail: string } }[];
        };
        for (const result of batch.results) {
          if (result.status === 'posted') summary.toppedUp++;
          else {
            summary.failed++;
            failures.push(`line ${topups[result.index]?.line} opening balance: ${result.error?.code}: ${result.error?.detail}`);
          }
        }
      } catch (error) {
        summary.failed += topups.length;
        failures.push(`opening balances of lines ${topups[0]?.line}–${topups.at(-1)?.line}: ${describe(error)}`);
      }
    }
    summary.rows += rows.length;
    bar.update(summary.rows, { created: summary.created, toppedUp: summary.toppedUp, failed: summary.failed });
  };

  // Up to --concurrency chunks in flight: the next one travels while the server writes the last.
  const inFlight = new Set<Promise<void>>();
  const launch = (rows: readonly Row[]) => {
    const running: Promise<void> = runChunk(rows).finally(() => inFlight.delete(running));
    inFlight.add(running);
  };
  let chunk: Row[] = [];
  for await (const row of readRows(file, defaultCurrency)) {
    chunk.push(row);
    if (chunk.length === chunkSize) {
      launch(chunk);
      chunk = [];
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  }
  if (chunk.length > 0) launch(chunk);
  await Promise.all(inFlight);
  bar.stop();

  const format = formatOf(options.output);
  if (format === 'table') {
    process.stdout.write(
      `imported ${summary.rows} rows from ${file}: ${summary.created} wallets new or still empty, ${summary.existing} already funded (left as they are), ` +
        `${summary.toppedUp} opening balances posted, ${summary.openingSkipped} skipped (wallet not at zero), ${summary.failed} failed\n`,
    );
  } else process.stdout.write(`${JSON.stringify(summary)}\n`);
  for (const failure of failures.slice(0, 20)) process.stderr.write(`  ${failure}\n`);
  if (failures.length > 20) process.stderr.write(`  … and ${failures.length - 20} more\n`);
  return summary.failed > 0 ? 1 : 0;
}

async function resolveCurrency(coffer: Coffer, ref: string): Promise<{ id: string; code: string; fraction: string }> {
  if (/^[0-9a-f-]{36}$/i.test(ref)) {
    const currency = await coffer.currencies.get(ref);
    return { id: currency.id, code: currency.code, fraction: String(currency.fraction) };
  }
  const { data } = await coffer.currencies.list({ code: ref.toUpperCase() } as never).page();
  if (data.length !== 1 || data[0] === undefined)
    throw new UsageError(data.length === 0 ? `no currency with code ${ref}` : `several currencies have the code ${ref}: use its id`);
  return { id: data[0].id, code: data[0].code, fraction: String(data[0].fraction) };
}

function describe(error: unknown): string {
  const candidate = error as { code?: unknown; detail?: unknown; message?: unknown };
  return typeof candidate.code === 'string' && typeof candidate.detail === 'string'
    ? `${candidate.code}: ${candidate.detail}`
    : String(candidate.message ?? error);
}

/** `coffer export transactions [--wallet W]` / `coffer export entries --wallet W`: every row, CSV or JSON lines (the default). */
export async function exportCommand(invocation: Invocation): Promise<number> {
  const { args, options } = invocation;
  const what = args[0];
  if (what !== 'transactions' && what !== 'entries')
    throw new UsageError('usage: coffer export transactions [--wallet W] | export entries --wallet W  [--output csv|jsonl]');
  const format = options.output === 'csv' || options.csv === true ? 'csv' : 'jsonl';
  const coffer = await connect(options);
  const fractions = new Map<string, Promise<{ code: string; fraction: string }>>();
  const currency = (id: string) => {
    let found = fractions.get(id);
    if (found === undefined) {
      found = coffer.currencies.get(id).then((c) => ({ code: c.code, fraction: String(c.fraction) }));
      fractions.set(id, found);
    }
    return found;
  };
  const walletRef = typeof options.wallet === 'string' ? options.wallet : undefined;
  const walletId =
    walletRef === undefined || /^[0-9a-f-]{36}$/i.test(walletRef)
      ? walletRef
      : ((await coffer.wallets.list({ externalId: walletRef }).page()).data[0]?.id ?? walletRef);
  const columns =
    what === 'transactions'
      ? ['id', 'kind', 'status', 'currency', 'amount', 'amountMinor', 'fromWalletId', 'toWalletId', 'reference', 'description', 'createdAt']
      : ['id', 'transactionId', 'kind', 'walletId', 'currency', 'direction', 'amount', 'amountMinor', 'balanceAfter', 'pending', 'createdAt'];
  const write = (record: Record<string, unknown>) =>
    process.stdout.write(format === 'csv' ? `${csvLine(columns.map((column) => record[column] as string))}\n` : `${JSON.stringify(record)}\n`);
  if (format === 'csv') process.stdout.write(`${csvLine(columns)}\n`);
  let count = 0;
  if (what === 'transactions') {
    for await (const transaction of coffer.transactions.list(walletId !== undefined ? { walletId } : undefined)) {
      const { code, fraction } = await currency(transaction.currencyId);
      write({ ...transaction, currency: code, amount: formatMinor(transaction.amount, fraction), amountMinor: transaction.amount });
      count++;
    }
  } else {
    if (walletId === undefined) throw new UsageError('usage: coffer export entries --wallet WALLET');
    for await (const entry of coffer.wallets.entries(walletId)) {
      const { code, fraction } = await currency(entry.currencyId);
      write({
        ...entry,
        currency: code,
        amount: formatMinor(entry.amount, fraction),
        amountMinor: entry.amount,
        balanceAfter: formatMinor(entry.balanceAfter, fraction),
      });
      count++;
    }
  }
  process.stderr.write(`exported ${count} ${what}\n`);
  return 0;
}
