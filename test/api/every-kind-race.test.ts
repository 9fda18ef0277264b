/**
 * Every money-moving kind races every other on the same wallets, through the one posting
 * pipeline: transfers, top-ups, withdrawals, adjustments, holds and their captures and voids,
 * pending credits and their settlements and failures, payouts and their settlements and
 * failures, reversals, exchanges (at the rate and at a quote), and atomic batches mixing kinds,
 * all at once from parallel clients, in a seeded random order. Afterwards:
 * - no answer is a 5xx, and each kind answers only what it may (its success, or a business refusal);
 * - of two resolutions of one hold, pending credit or payout, exactly one wins; of two exchanges on
 *   one quote, exactly one; two 60 % reversals of one transfer never return more than it;
 * - every entry written during the race belongs to a transaction some answer acknowledged, and
 *   every acknowledged new transaction exists exactly once;
 * - no client wallet's available balance is negative, and the ledger invariant holds
 *   (credits − debits is zero per currency, posted and pending; counters match their entries).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { setRate } from '../support/exchange-fixtures.js';
import { balanceOf, type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectStatus, type Harness, startHarness } from '../support/harness.js';
import { runWithClients, seededRandom } from '../support/random.js';

const seed = Number(process.env.COFFER_TEST_SEED ?? 20261130);

interface Answer {
  readonly kind: string;
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** For a pair of rival requests (two resolutions of one hold, two uses of one quote…): its name. */
  readonly rivalry?: string;
  /** The original a reversal reverses, and the amount asked. */
  readonly reverses?: { readonly id: string; readonly amount: bigint };
}

/** What each kind may answer: its success, or the business refusals a race can cause. */
const allowed: Readonly<Record<string, readonly number[]>> = {
  transfer: [201, 422],
  topup: [201],
  withdrawal: [201, 422],
  adjustment: [201, 422],
  hold: [201, 422],
  capture: [200, 409],
  void: [200, 409],
  settle: [200, 409],
  fail: [200, 409],
  payout: [201, 422],
  'payout-settle': [200, 409],
  'payout-fail': [200, 409],
  reversal: [201, 422],
  exchange: [201, 409, 422],
  batch: [201, 422],
};

for (const backend of backends) {
  describe(`every kind against every other [${backend.name}] (seed ${seed})`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let eur: CurrencyRecord;
    const clients: WalletRecord[] = [];
    let euro: WalletRecord;

    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      eur = await isoCurrency(harness, 'EUR');
      for (let index = 0; index < 4; index++) {
        clients.push(await wallet(harness, usd.id, { customerId: `c${index}` }));
        await topup(harness, (clients[index] as WalletRecord).id, '5000');
      }
      euro = await wallet(harness, eur.id, { customerId: 'c0' });
      await setRate(harness, usd, eur, '0.9');
    });
    after(() => harness.close());

    it('keeps every answer true and the ledger whole', async () => {
      const random = seededRandom(seed);
      const pick = () => clients[Math.floor(random() * clients.length)] as WalletRecord;
      const other = (not: WalletRecord) => {
        let chosen = pick();
        while (chosen.id === not.id) chosen = pick();
        return chosen;
      };
      const amount = () => String(1 + Math.floor(random() * 1500));
      let sent = 0;
      const post = async (kind: string, url: string, body: unknown, extra: Partial<Answer> = {}): Promise<Answer> => {
        const response = await harness.request('POST', url, body, { headers: { 'idempotency-key': `race-${backend.name}-${sent++}` } });
        return { kind, status: response.statusCode, body: JSON.parse(response.body || '{}') as Record<string, unknown>, ...extra };
      };
      /** A task whose body (amounts included) is drawn now, so the seed fixes every request. */
      const task =
        (kind: string, url: string, body: unknown, extra: Partial<Answer> = {}) =>
        () =>
          post(kind, url, body, extra);

      // Rows the race will fight over, made beforehand: holds, pending credits, payouts, posted transfers, quotes.
      const holds: string[] = [];
      const credits: string[] = [];
      const payouts: string[] = [];
      const originals: { id: string; amount: bigint }[] = [];
      const quotes: string[] = [];
      for (let index = 0; index < 6; index++) {
        const from = pick();
        holds.push(
          expectStatus<{ id: string }>(await harness.request('POST', '/v1/holds', { walletId: from.id, toWalletId: other(from).id, amount: '50' }), 201).id,
        );
        credits.push(expectStatus<{ id: string }>(await harness.request('POST', '/v1/pending-credits', { walletId: pick().id, amount: '80' }), 201).id);
        payouts.push(
          expectStatus<{ id: string }>(
            await harness.request('POST', '/v1/withdrawals', {
              walletId: pick().id,
              amount: '30',
              destination: { iban: 'DE89370400440532013000', name: 'Race' },
            }),
            201,
          ).id,
        );
        const sender = pick();
        originals.push({
          id: expectStatus<{ id: string }>(
            await harness.request('POST', '/v1/transfers', { fromWalletId: sender.id, toWalletId: other(sender).id, amount: '100' }),
            201,
          ).id,
          amount: 100n,
        });
        quotes.push(
          expectStatus<{ id: string }>(await harness.request('POST', '/v1/quotes', { fromCurrencyId: usd.id, toCurrencyId: eur.id, amount: '40' }), 201).id,
        );
      }
      const [{ max: entriesBefore }] = (await harness.store.database.query<{ max: string }>('select coalesce(max(id), 0)::text as max from entries')) as [
        { max: string },
      ];

      const tasks: (() => Promise<Answer>)[] = [];
      for (let index = 0; index < 40; index++) {
        const from = pick();
        const to = other(from);
        tasks.push(task('transfer', '/v1/transfers', { fromWalletId: from.id, toWalletId: to.id, amount: amount() }));
        if (index % 2 === 0) tasks.push(task('hold', '/v1/holds', { walletId: from.id, toWalletId: to.id, amount: amount() }));
        if (index % 4 === 0) tasks.push(task('withdrawal', '/v1/withdrawals', { walletId: from.id, amount: amount() }));
        if (index % 4 === 1) tasks.push(task('topup', '/v1/topups', { walletId: from.id, amount: amount() }));
        if (index % 5 === 2) {
          const direction = random() < 0.5 ? 'credit' : 'debit';
          tasks.push(task('adjustment', '/v1/adjustments', { walletId: from.id, amount: amount(), direction, reason: 'race' }));
        }
        if (index % 5 === 3) tasks.push(task('exchange', '/v1/exchanges', { fromWalletId: from.id, toWalletId: euro.id, amount: amount() }));
        if (index % 6 === 4)
          tasks.push(task('payout', '/v1/withdrawals', { walletId: from.id, amount: amount(), destination: { iban: 'DE89370400440532013000', name: 'Race' } }));
        if (index % 8 === 5) {
          tasks.push(
            task('batch', '/v1/batches', {
              atomic: true,
              items: [
                { kind: 'transfer', fromWalletId: from.id, toWalletId: to.id, amount: amount() },
                { kind: 'exchange', fromWalletId: to.id, toWalletId: euro.id, amount: amount() },
                { kind: 'topup', walletId: from.id, amount: amount() },
              ],
            }),
          );
        }
      }
      holds.forEach((id, index) => {
        tasks.push(task('capture', `/v1/holds/${id}/capture`, index % 2 === 0 ? { amount: '20' } : {}, { rivalry: `hold ${id}` }));
        tasks.push(task('void', `/v1/holds/${id}/void`, {}, { rivalry: `hold ${id}` }));
      });
      credits.forEach((id) => {
        tasks.push(task('settle', `/v1/pending-credits/${id}/settle`, { amount: '70' }, { rivalry: `credit ${id}` }));
        tasks.push(task('fail', `/v1/pending-credits/${id}/fail`, { reason: 'race' }, { rivalry: `credit ${id}` }));
      });
      payouts.forEach((id) => {
        tasks.push(task('payout-settle', `/v1/withdrawals/${id}/settle`, {}, { rivalry: `payout ${id}` }));
        tasks.push(task('payout-fail', `/v1/withdrawals/${id}/fail`, { reason: 'race' }, { rivalry: `payout ${id}` }));
      });
      for (const original of originals) {
        for (let twice = 0; twice < 2; twice++) {
          tasks.push(task('reversal', `/v1/transactions/${original.id}/reverse`, { amount: '60' }, { reverses: { id: original.id, amount: 60n } }));
        }
      }
      quotes.forEach((id) => {
        const payer = clients[0] as WalletRecord;
        for (let twice = 0; twice < 2; twice++) {
          tasks.push(task('exchange', '/v1/exchanges', { fromWalletId: payer.id, toWalletId: euro.id, amount: '40', quoteId: id }, { rivalry: `quote ${id}` }));
        }
      });
      // A seeded shuffle: every kind meets every other in the groups.
      for (let index = tasks.length - 1; index > 0; index--) {
        const swap = Math.floor(random() * (index + 1));
        [tasks[index], tasks[swap]] = [tasks[swap] as () => Promise<Answer>, tasks[index] as () => Promise<Answer>];
      }
      const answers = await runWithClients(16, tasks);

      for (const answer of answers) {
        assert.ok((allowed[answer.kind] ?? []).includes(answer.status), `${answer.kind} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
      // Of two rivals, exactly one wins.
      const rivalries = new Map<string, Answer[]>();
      for (const answer of answers) if (answer.rivalry !== undefined) rivalries.set(answer.rivalry, [...(rivalries.get(answer.rivalry) ?? []), answer]);
      for (const [name, rivals] of rivalries) {
        assert.equal(rivals.filter((rival) => rival.status < 300).length, 1, `${name}: ${rivals.map((rival) => `${rival.kind} ${rival.status}`).join(', ')}`);
      }
      // Reversals never return more than the original.
      for (const original of originals) {
        const reversed = answers
          .filter((answer) => answer.reverses?.id === original.id && answer.status === 201)
          .reduce((sum, answer) => sum + (answer.reverses?.amount ?? 0n), 0n);
        assert.ok(reversed > 0n && reversed <= original.amount, `reversed ${reversed} of ${original.amount}`);
      }
      // Every entry written during the race belongs to an acknowledged transaction, and each acknowledged new one exists once.
      const acknowledged = new Set<string>();
      const created: string[] = [];
      for (const answer of answers) {
        if (answer.status >= 300) continue;
        if (answer.kind === 'batch') {
          for (const result of answer.body.results as { transaction: { id: string } }[]) {
            acknowledged.add(result.transaction.id);
            created.push(result.transaction.id);
          }
          continue;
        }
        const id = answer.body.id as string;
        acknowledged.add(id);
        if (answer.status === 201) created.push(id);
      }
      const touched = await harness.store.database.query<{ transaction_id: string }>(
        'select distinct transaction_id::text as transaction_id from entries where id > $1::bigint',
        [entriesBefore],
      );
      for (const row of touched) assert.ok(acknowledged.has(row.transaction_id), `entries of ${row.transaction_id}, which no answer acknowledged`);
      assert.equal(new Set(created).size, created.length, 'every new transaction is answered once');
      const [{ n }] = (await harness.store.database.query<{ n: number }>('select count(*)::int as n from transactions where id = any($1::uuid[])', [
        created,
      ])) as [{ n: number }];
      assert.equal(n, created.length, 'every acknowledged new transaction exists');
      assert.ok(
        answers.some((answer) => answer.status === 422),
        'the race refused something (the balances were meant to run short)',
      );
      for (const client of clients) assert.ok(BigInt((await balanceOf(harness, client.id)).available) >= 0n, `wallet ${client.id} overdrawn`);
      await harness.assertLedgerConsistent();
    });
  });
}
