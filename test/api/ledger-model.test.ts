/**
 * A seeded property test: random sequences of top-ups, withdrawals, transfers with fees,
 * adjustments and reversals run against Coffer and against a small pure model of the rules.
 * After every step the balances equal the model's, refusals happen exactly when the model says
 * so, and the ledger invariant holds. Replay a failure with COFFER_TEST_SEED.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { backends } from '../support/backends.js';
import { expectStatus, type Harness, startHarness } from '../support/harness.js';

const seed = Number(process.env.COFFER_TEST_SEED ?? 4217);
const walletCount = 4;

type Operation =
  | { kind: 'topup'; wallet: number; amount: number }
  | { kind: 'withdrawal'; wallet: number; amount: number }
  | { kind: 'transfer'; from: number; to: number; amount: number; fee: number }
  | { kind: 'adjustment'; wallet: number; amount: number; direction: 'credit' | 'debit' }
  | { kind: 'reversal'; pick: number; amount: number | null };

const walletIndex = fc.integer({ min: 0, max: walletCount - 1 });
const amount = fc.integer({ min: 1, max: 5_000 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('topup' as const), wallet: walletIndex, amount }),
  fc.record({ kind: fc.constant('withdrawal' as const), wallet: walletIndex, amount }),
  fc.record({ kind: fc.constant('transfer' as const), from: walletIndex, to: walletIndex, amount, fee: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ kind: fc.constant('adjustment' as const), wallet: walletIndex, amount, direction: fc.constantFrom('credit' as const, 'debit' as const) }),
  fc.record({ kind: fc.constant('reversal' as const), pick: fc.nat(), amount: fc.option(amount, { nil: null }) }),
);

/** The pure model: posted balances, credit limits and what is left to reverse of each posted movement. */
interface Model {
  readonly balances: bigint[];
  readonly limits: bigint[];
  readonly movements: { id: string; from: number | null; to: number | null; left: bigint; fee: bigint; amount: bigint }[];
}

for (const backend of backends) {
  describe(`ledger against its model [${backend.name}] (seed ${seed})`, () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness(backend);
    });
    after(() => harness.close());

    it('matches the model after every step', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { minLength: 5, maxLength: 25 }), async (operations) => {
          run++;
          const currency = expectStatus<{ id: string }>(
            await harness.request('POST', '/v1/currencies', { code: `M${run}`, name: 'model', fraction: 100, assetType: 'emoney' }),
            201,
          );
          const model: Model = { balances: [], limits: [], movements: [] };
          const ids: string[] = [];
          for (let index = 0; index < walletCount; index++) {
            const limit = index === 0 ? 1000n : 0n;
            const created = expectStatus<{ id: string }>(
              await harness.request('POST', '/v1/wallets', { currencyId: currency.id, creditLimit: limit.toString() }),
              201,
            );
            ids.push(created.id);
            model.balances.push(0n);
            model.limits.push(limit);
          }
          for (const op of operations) await step(harness, model, ids, op);
          await harness.assertLedgerConsistent();
        }),
        { seed, numRuns: backend.name === 'pglite' ? 25 : 15, endOnFailure: true },
      );
    });
  });
}

const canPay = (model: Model, wallet: number, value: bigint) => (model.balances[wallet] as bigint) - value >= -(model.limits[wallet] as bigint);

async function step(harness: Harness, model: Model, ids: string[], op: Operation): Promise<void> {
  const value = (n: number) => BigInt(n);
  let request: [string, Record<string, unknown>];
  let expectOk: boolean;
  let apply: (id: string) => void;
  switch (op.kind) {
    case 'topup':
      request = ['/v1/topups', { walletId: ids[op.wallet], amount: String(op.amount) }];
      expectOk = true;
      apply = (id) => {
        model.balances[op.wallet] = (model.balances[op.wallet] as bigint) + value(op.amount);
        model.movements.push({ id, from: null, to: op.wallet, left: value(op.amount), fee: 0n, amount: value(op.amount) });
      };
      break;
    case 'withdrawal':
      request = ['/v1/withdrawals', { walletId: ids[op.wallet], amount: String(op.amount) }];
      expectOk = canPay(model, op.wallet, value(op.amount));
      apply = (id) => {
        model.balances[op.wallet] = (model.balances[op.wallet] as bigint) - value(op.amount);
        model.movements.push({ id, from: op.wallet, to: null, left: value(op.amount), fee: 0n, amount: value(op.amount) });
      };
      break;
    case 'transfer': {
      const fees = op.fee > 0 ? [{ amount: String(op.fee) }] : undefined;
      request = ['/v1/transfers', { fromWalletId: ids[op.from], toWalletId: ids[op.to], amount: String(op.amount), ...(fees ? { fees } : {}) }];
      expectOk = op.from !== op.to && canPay(model, op.from, value(op.amount + op.fee));
      apply = (id) => {
        model.balances[op.from] = (model.balances[op.from] as bigint) - value(op.amount + op.fee);
        model.balances[op.to] = (model.balances[op.to] as bigint) + value(op.amount);
        model.movements.push({ id, from: op.from, to: op.to, left: value(op.amount), fee: value(op.fee), amount: value(op.amount) });
      };
      break;
    }
    case 'adjustment':
      request = ['/v1/adjustments', { walletId: ids[op.wallet], amount: String(op.amount), direction: op.direction, reason: 'model' }];
      expectOk = op.direction === 'credit' || canPay(model, op.wallet, value(op.amount));
      apply = () => {
        model.balances[op.wallet] = (model.balances[op.wallet] as bigint) + (op.direction === 'credit' ? 1n : -1n) * value(op.amount);
      };
      break;
    case 'reversal': {
      const target = model.movements[op.pick % Math.max(model.movements.length, 1)];
      if (target === undefined) return;
      const reverse = op.amount === null ? target.left : value(op.amount);
      const full = reverse === target.amount && target.left === target.amount;
      request = [`/v1/transactions/${target.id}/reverse`, op.amount === null ? {} : { amount: String(op.amount) }];
      // The original receiver pays the reversal back (system accounts always can).
      expectOk = reverse > 0n && reverse <= target.left && (target.to === null || canPay(model, target.to, reverse));
      apply = () => {
        target.left -= reverse;
        if (target.to !== null) model.balances[target.to] = (model.balances[target.to] as bigint) - reverse;
        if (target.from !== null) model.balances[target.from] = (model.balances[target.from] as bigint) + reverse + (full ? target.fee : 0n);
      };
      break;
    }
  }
  const answer = await harness.request('POST', request[0], request[1]);
  assert.ok(answer.statusCode < 500, `5xx on ${JSON.stringify(op)}: ${answer.body}`);
  assert.equal(answer.statusCode === 201, expectOk, `${JSON.stringify(op)} answered ${answer.statusCode}: ${answer.body}`);
  if (answer.statusCode === 201) apply(JSON.parse(answer.body).id as string);
  for (const [index, id] of ids.entries()) {
    const wallet = expectStatus<{ balance: { posted: string } }>(await harness.request('GET', `/v1/wallets/${id}`), 200);
    assert.equal(BigInt(wallet.balance.posted), model.balances[index], `wallet ${index} after ${JSON.stringify(op)}`);
  }
}
