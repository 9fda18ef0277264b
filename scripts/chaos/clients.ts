/**
 * The clients of the run: each loops until the deadline, sending one request at a time to a
 * random live server, with its own Idempotency-Key: transfers, holds, captures (full, partial,
 * and now and then more than held), voids, quotes and exchanges (with or without a quote).
 * Captures and voids target holds the clients know were acknowledged, among the most recent,
 * and now and then two clients race on one hold (exactly one may win); quoted exchanges race on
 * recent quotes the same way. Meanwhile the admin moves the exchange rates now and then.
 */
import { call, type Json } from './http.js';
import { type Random, sleep } from './options.js';
import type { ClientRecord, Operation, OperationKind } from './record.js';
import type { Fleet } from './servers.js';
import { rateChoices, ratePath, type WalletRef, type World } from './setup.js';

/** How often each kind is chosen, out of 100. Quotes are sent as part of quoted exchanges. */
const mix: readonly (readonly [OperationKind, number])[] = [
  ['transfer', 25],
  ['hold', 25],
  ['capture', 17],
  ['void', 10],
  ['exchange', 23],
];

function chooseKind(random: Random): OperationKind {
  let roll = random.integer(1, 100);
  for (const [kind, weight] of mix) {
    roll -= weight;
    if (roll <= 0) return kind;
  }
  return 'transfer';
}

type Draft = Pick<Operation, 'kind' | 'path' | 'body' | 'holdId' | 'quoteId'>;

const amount = (random: Random, max: number): string => String(random.integer(1, max));
const peerOf = (random: Random, world: World, wallet: WalletRef): WalletRef =>
  random.pick(world.wallets.filter((other) => other.currencyId === wallet.currencyId && other.id !== wallet.id));
const fees = (random: Random, probability: number): Json =>
  random.chance(probability) ? { fees: [{ amount: amount(random, 500), description: 'chaos fee' }] } : {};

function transfer(random: Random, world: World): Draft {
  const from = random.pick(world.wallets);
  const body = { fromWalletId: from.id, toWalletId: peerOf(random, world, from).id, amount: amount(random, 30_000), ...fees(random, 0.1) };
  return { kind: 'transfer', path: '/v1/transfers', body, holdId: null, quoteId: null };
}

function hold(random: Random, world: World): Draft {
  const wallet = random.pick(world.wallets);
  const body: Json = { walletId: wallet.id, amount: amount(random, 10_000) };
  // Half go to a client wallet (its pending grows), half to the currency's settlement account.
  if (random.chance(0.5)) body.toWalletId = peerOf(random, world, wallet).id;
  // Some expire within seconds, so the expiry sweep races the clients' captures and voids.
  if (random.chance(0.2)) body.expiresAt = new Date(Date.now() + random.integer(2000, 8000)).toISOString();
  return { kind: 'hold', path: '/v1/holds', body, holdId: null, quoteId: null };
}

function resolution(random: Random, record: ClientRecord, kind: 'capture' | 'void'): Draft | null {
  const target = record.takeHold(random);
  if (target === null) return null;
  let body: Json = {};
  if (kind === 'capture') {
    const roll = random.next();
    if (roll < 0.45) body = { amount: String(random.integer(1, Number(target.amount))) };
    else if (roll < 0.5) body = { amount: String(target.amount + 1n) };
  }
  return { kind, path: `/v1/holds/${target.id}/${kind}`, body, holdId: target.id, quoteId: null };
}

function exchange(random: Random, world: World, quote: { id: string; fromCurrencyId: string; toCurrencyId: string; amount: string } | null): Draft {
  const from = quote === null ? random.pick(world.wallets) : random.pick(world.wallets.filter((wallet) => wallet.currencyId === quote.fromCurrencyId));
  const targets = world.wallets.filter((wallet) => (quote === null ? wallet.currencyId !== from.currencyId : wallet.currencyId === quote.toCurrencyId));
  const body: Json = { fromWalletId: from.id, toWalletId: random.pick(targets).id, amount: quote?.amount ?? amount(random, 20_000), ...fees(random, 0.15) };
  if (quote !== null) body.quoteId = quote.id;
  return { kind: 'exchange', path: '/v1/exchanges', body, holdId: null, quoteId: quote?.id ?? null };
}

function quoteRequest(random: Random, world: World): Draft {
  const from = random.pick(world.currencies);
  const to = random.pick(world.currencies.filter((currency) => currency.id !== from.id));
  return {
    kind: 'quote',
    path: '/v1/quotes',
    body: { fromCurrencyId: from.id, toCurrencyId: to.id, amount: amount(random, 20_000) },
    holdId: null,
    quoteId: null,
  };
}

export interface ClientSettings {
  readonly index: number;
  readonly seed: number;
  readonly deadline: number;
  readonly random: Random;
  readonly world: World;
  readonly record: ClientRecord;
  readonly fleet: Fleet;
}

/** One client: one request at a time until the deadline; a lost answer is left for the final read. */
export async function runClient(settings: ClientSettings): Promise<void> {
  const { random, world, record, fleet } = settings;
  let sequence = 0;
  const send = async (draft: Draft): Promise<Operation | null> => {
    const targets = fleet.live();
    if (targets.length === 0) {
      await sleep(100);
      return null;
    }
    // Letters between the numbers: digit groups joined by dashes could pass for a card number,
    // which Coffer refuses in keys and references (src/domain/text-screen.ts).
    const key = `chaos-s${settings.seed}c${settings.index}n${sequence++}`;
    // The key is also the reference of the transaction it creates: the checks find it by it.
    const body = draft.kind === 'capture' || draft.kind === 'void' || draft.kind === 'quote' ? draft.body : { ...draft.body, reference: key };
    const operation = record.add({ ...draft, key, body });
    // 5 s, less near the deadline: the run ends on time, and a late answer is the final read's.
    await record.attempt(random.pick(targets), operation, Math.min(5000, Math.max(1000, settings.deadline + 1000 - Date.now())));
    // Like a real client, it backs off after a lost answer rather than hammer a struggling service.
    if (operation.outcome === 'unknown') await sleep(random.integer(200, 500));
    return operation;
  };
  while (Date.now() < settings.deadline) {
    const kind = chooseKind(random);
    if (kind === 'transfer') await send(transfer(random, world));
    else if (kind === 'hold') await send(hold(random, world));
    // No acknowledged hold to resolve yet: a transfer instead (a hold would only lock up more money).
    else if (kind === 'capture' || kind === 'void') await send(resolution(random, record, kind) ?? transfer(random, world));
    else if (random.chance(0.6)) await send(exchange(random, world, null));
    else {
      // A quoted exchange: a recent quote half of the time (racing other clients), else a new one.
      let quote = random.chance(0.5) ? record.recentQuote(random) : null;
      if (quote === null) {
        const asked = await send(quoteRequest(random, world));
        const ack = asked?.acknowledgement;
        if (asked === null || ack === null || ack === undefined) continue;
        quote = {
          id: ack.id,
          fromCurrencyId: String(asked.body.fromCurrencyId),
          toCurrencyId: String(asked.body.toCurrencyId),
          amount: String(asked.body.amount),
        };
      }
      await send(exchange(random, world, quote));
    }
  }
}

/** The admin moves a random rate every second or two; a quote keeps the rate it locked. */
export async function runRateTicker(random: Random, world: World, fleet: Fleet, deadline: number): Promise<number> {
  let changes = 0;
  while (Date.now() < deadline) {
    await sleep(random.integer(1000, 2000));
    const targets = fleet.live();
    if (targets.length === 0) continue;
    const pair = random.pick(Object.keys(rateChoices));
    const answer = await call(random.pick(targets), 'PUT', ratePath(world.currencies, pair), { rate: random.pick(rateChoices[pair] ?? []) }).catch(() => null);
    if (answer?.status === 200) changes++;
  }
  return changes;
}
