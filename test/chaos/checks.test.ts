/**
 * The chaos checks can fail. A small ledger is made through the API (top-ups, transfers with a
 * fee, a refused transfer, holds captured in part, voided and left open, a refused capture, a
 * quoted and an unquoted exchange, a wallet below zero within its credit limit), with a client
 * record kept exactly as the chaos clients keep theirs. On it every check is clean; then each
 * kind of damage the harness looks for is planted in a copy of the ledger or of the record, and
 * the check that should see it does. The in-run snapshot query is run against the real database
 * before and after corrupting a counter.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkBalances, modelBalances, type ShownBalance } from '../../scripts/chaos/check-balances.js';
import { checkLedger } from '../../scripts/chaos/checks.js';
import type { Answer, Json } from '../../scripts/chaos/http.js';
import { type Ledger, readLedger, type TransactionRow } from '../../scripts/chaos/ledger.js';
import { ClientRecord, type Operation, type OperationKind } from '../../scripts/chaos/record.js';
import { checkInvariantRows, checkTrialBalance, type InvariantRow, invariantQuery } from '../../scripts/chaos/snapshots.js';
import { Violations } from '../../scripts/chaos/violations.js';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, wallet, type WalletRecord } from '../support/fixtures.js';
import { setRate } from '../support/exchange-fixtures.js';
import { expectStatus, type Harness, startHarness } from '../support/harness.js';

const referenced = new Set<OperationKind>(['topup', 'transfer', 'hold', 'exchange']);

for (const backend of backends) {
  describe(`chaos checks see planted damage [${backend.name}]`, () => {
    let harness: Harness;
    let record: ClientRecord;
    let ledger: Ledger;
    let shown: Map<string, ShownBalance>;
    let usd: CurrencyRecord;
    let alice: WalletRecord;
    let bob: WalletRecord;
    let carol: WalletRecord;
    const operations: Record<string, Operation> = {};

    /** Sends one request with its key, as a chaos client does, and records it under `name`. */
    const send = async (name: string, kind: OperationKind, path: string, body: Json, target: { holdId?: string; quoteId?: string } = {}) => {
      const key = `test-${name}`;
      const full = referenced.has(kind) ? { ...body, reference: key } : body;
      const operation = record.add({ key, kind, path, body: full, holdId: target.holdId ?? null, quoteId: target.quoteId ?? null });
      const response = await harness.request('POST', path, full, { headers: { 'idempotency-key': key } });
      const answer: Answer = {
        status: response.statusCode,
        json: JSON.parse(response.body) as Json,
        replayed: response.headers['idempotent-replayed'] === 'true',
        retryAfterSeconds: null,
      };
      record.settle(operation, answer);
      operations[name] = operation;
      return operation;
    };
    const idOf = (name: string) => operations[name]?.acknowledgement?.id ?? assert.fail(`${name} was not acknowledged`);
    const transactionOf = (name: string): TransactionRow => ledger.transactions.find((row) => row.id === idOf(name)) ?? assert.fail(`${name} is not stored`);
    const kindsOf = (violations: Violations) => [...violations.byKind().keys()].sort();

    /** The violation kinds the checks report for a damaged copy of the ledger and of the record. */
    const check = (damage: { ledger?: Partial<Ledger>; operations?: readonly Operation[] }) => {
      const violations = new Violations();
      checkLedger({ ...ledger, ...damage.ledger }, { operations: [...(damage.operations ?? record.operations)], keyReuses: [] }, violations);
      return kindsOf(violations);
    };
    const withTransaction = (name: string, change: Partial<TransactionRow>) => ({
      transactions: ledger.transactions.map((row) => (row.id === idOf(name) ? { ...row, ...change } : row)),
    });
    const withOperation = (name: string, change: Partial<Operation>) =>
      record.operations.map((operation) => (operation === operations[name] ? { ...operation, ...change } : operation));

    before(async () => {
      harness = await startHarness(backend);
      record = new ClientRecord();
      usd = await isoCurrency(harness, 'USD');
      const eur = await isoCurrency(harness, 'EUR');
      await setRate(harness, usd, eur, '0.92');
      alice = await wallet(harness, usd.id, { creditLimit: '100' });
      bob = await wallet(harness, usd.id);
      carol = await wallet(harness, eur.id);
      for (const [name, target] of [
        ['fund-alice', alice],
        ['fund-bob', bob],
        ['fund-carol', carol],
      ] as const) {
        await send(name, 'topup', '/v1/topups', { walletId: target.id, amount: '1000' });
      }
      await send('transfer', 'transfer', '/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount: '300', fees: [{ amount: '5' }] });
      await send('too-much', 'transfer', '/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount: '100000' });
      await send('captured', 'hold', '/v1/holds', { walletId: alice.id, amount: '200', toWalletId: bob.id });
      await send('capture', 'capture', `/v1/holds/${idOf('captured')}/capture`, { amount: '150' }, { holdId: idOf('captured') });
      await send('voided', 'hold', '/v1/holds', { walletId: alice.id, amount: '100' });
      await send('void', 'void', `/v1/holds/${idOf('voided')}/void`, {}, { holdId: idOf('voided') });
      await send('late-capture', 'capture', `/v1/holds/${idOf('voided')}/capture`, {}, { holdId: idOf('voided') });
      await send('open', 'hold', '/v1/holds', { walletId: bob.id, amount: '50', toWalletId: alice.id });
      await send('quote', 'quote', '/v1/quotes', { fromCurrencyId: usd.id, toCurrencyId: eur.id, amount: '100' });
      await send(
        'quoted',
        'exchange',
        '/v1/exchanges',
        { fromWalletId: alice.id, toWalletId: carol.id, amount: '100', quoteId: idOf('quote') },
        { quoteId: idOf('quote') },
      );
      await send('exchange', 'exchange', '/v1/exchanges', { fromWalletId: bob.id, toWalletId: carol.id, amount: '250', fees: [{ amount: '3' }] });
      await send('overdraft', 'transfer', '/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount: '500' });
      ledger = await readLedger((sql) => harness.store.database.query(sql));
      shown = new Map();
      for (const id of [alice.id, bob.id, carol.id])
        shown.set(id, expectStatus<{ balance: ShownBalance }>(await harness.request('GET', `/v1/wallets/${id}`), 200).balance);
    });
    after(() => harness.close());

    it('finds nothing wrong with an honest ledger', () => {
      assert.deepEqual(Object.fromEntries(Object.entries(operations).map(([name, operation]) => [name, operation.outcome])), {
        'fund-alice': 'ok',
        'fund-bob': 'ok',
        'fund-carol': 'ok',
        transfer: 'ok',
        'too-much': 'refused',
        captured: 'ok',
        capture: 'ok',
        voided: 'ok',
        void: 'ok',
        'late-capture': 'refused',
        open: 'ok',
        quote: 'ok',
        quoted: 'ok',
        exchange: 'ok',
        overdraft: 'ok',
      });
      assert.equal(shown.get(alice.id)?.posted, '-55', 'alice went below zero, within her credit limit');
      assert.deepEqual(check({}), []);
      const violations = new Violations();
      checkBalances(shown, modelBalances([alice.id, bob.id, carol.id], record.operations, ledger), violations);
      assert.deepEqual(kindsOf(violations), []);
    });

    it('sees a stored counter that no posting explains', () => {
      const wallets = ledger.wallets.map((row) =>
        row.id === bob.id ? { ...row, counters: { ...row.counters, creditsPosted: row.counters.creditsPosted + 1n } } : row,
      );
      assert.deepEqual(check({ ledger: { wallets } }), ['replay']);
    });

    it('sees an entry whose amount or balance-after the domain would not have written (a lost update)', () => {
      const id = idOf('transfer');
      const target = ledger.entries.find((entry) => entry.transactionId === id && entry.walletId === bob.id);
      assert.ok(target);
      assert.deepEqual(
        check({ ledger: { entries: ledger.entries.map((entry) => (entry === target ? { ...entry, balanceAfter: entry.balanceAfter - 1n } : entry)) } }),
        ['replay'],
      );
      assert.deepEqual(check({ ledger: { entries: ledger.entries.map((entry) => (entry === target ? { ...entry, amount: entry.amount + 1n } : entry)) } }), [
        'replay',
      ]);
    });

    it('sees a posting that took a wallet below −creditLimit', () => {
      const wallets = ledger.wallets.map((row) => (row.id === alice.id ? { ...row, creditLimit: 0n } : row));
      assert.deepEqual(check({ ledger: { wallets } }), ['replay']);
    });

    it('sees an acknowledged transaction missing, duplicated, or different from its request', () => {
      const id = idOf('transfer');
      const without = {
        transactions: ledger.transactions.filter((row) => row.id !== id),
        entries: ledger.entries.filter((entry) => entry.transactionId !== id),
      };
      assert.ok(check({ ledger: without }).includes('missing'));
      const copy = { ...transactionOf('transfer'), id: '00000000-0000-4000-8000-000000000001' };
      const lastEntry = ledger.entries.at(-1)?.id ?? 0n;
      const copiedEntries = ledger.entries
        .filter((entry) => entry.transactionId === id)
        .map((entry, index) => ({ ...entry, id: lastEntry + BigInt(index + 1), transactionId: copy.id }));
      assert.ok(check({ ledger: { transactions: [...ledger.transactions, copy], entries: [...ledger.entries, ...copiedEntries] } }).includes('duplicate'));
      assert.ok(check({ ledger: withTransaction('transfer', { toWalletId: carol.id }) }).includes('differs'));
    });

    it('sees a refused request whose transaction exists, and a transaction no request made', () => {
      assert.deepEqual(check({ operations: withOperation('overdraft', { outcome: 'refused', acknowledgement: null, refusal: 'insufficient_funds' }) }), [
        'refused_present',
      ]);
      assert.deepEqual(check({ operations: record.operations.filter((operation) => operation !== operations.exchange) }), ['phantom']);
    });

    it('sees holds in a state their acknowledged captures and voids do not explain', () => {
      const captured = transactionOf('captured');
      assert.ok(check({ ledger: withTransaction('captured', { capturedAmount: captured.amount + 1n }) }).includes('hold'));
      assert.ok(check({ ledger: withTransaction('voided', { capturedAmount: 10n }) }).includes('hold'));
      assert.ok(check({ ledger: withTransaction('captured', { status: 'pending', capturedAmount: null }) }).includes('hold'));
      assert.ok(check({ ledger: withTransaction('open', { status: 'expired' }) }).includes('hold'));
      const secondResolution = { ...(operations.void as Operation), key: 'test-second', holdId: idOf('captured') };
      assert.deepEqual(check({ operations: [...record.operations, secondResolution] }), ['hold']);
      assert.deepEqual(check({ operations: withOperation('late-capture', { holdId: idOf('open') }) }), ['hold']);
    });

    it('sees an exchange paid at another amount or rate than its quote', () => {
      const exchange = transactionOf('exchange');
      assert.ok(check({ ledger: withTransaction('exchange', { targetAmount: (exchange.targetAmount ?? 0n) + 1n }) }).includes('replay'));
      assert.ok(check({ ledger: withTransaction('quoted', { exchangeRate: '0.93' }) }).includes('exchange'));
      assert.ok(check({ ledger: withTransaction('exchange', { exchangeRate: '0.9' }) }).includes('exchange'));
    });

    it('sees a journal that does not have one link per posting', () => {
      assert.deepEqual(check({ ledger: { journalLinks: ledger.journalLinks - 1 } }), ['journal']);
    });

    it('sees balances the clients were not told, and a wallet below its credit limit', () => {
      const model = modelBalances([alice.id, bob.id, carol.id], record.operations, ledger);
      const violations = new Violations();
      const bobShown = shown.get(bob.id) as ShownBalance;
      checkBalances(new Map([...shown, [bob.id, { ...bobShown, held: '0' }]]), model, violations);
      assert.deepEqual(kindsOf(violations), ['model']);
      const overdrawn = new Violations();
      const aliceShown = shown.get(alice.id) as ShownBalance;
      checkBalances(new Map([...shown, [alice.id, { ...aliceShown, creditLimit: '0' }]]), model, overdrawn);
      assert.deepEqual(kindsOf(overdrawn), ['overdrawn']);
    });

    it('sees an unbalanced trial balance, and an unbalanced or overdrawn database in a snapshot', async () => {
      const violations = new Violations();
      checkTrialBalance({ data: [{ currencyId: usd.id, posted: '1', pending: '0', balanced: false }] }, violations, 'test');
      checkTrialBalance({ data: [] }, violations, 'test');
      assert.equal(violations.count, 2);
      const snapshot = async () => {
        const found = new Violations();
        checkInvariantRows((await harness.store.database.query(invariantQuery)) as unknown as InvariantRow[], found);
        return kindsOf(found);
      };
      assert.deepEqual(await snapshot(), []);
      await harness.store.database.query(`update wallets set credits_posted = credits_posted + 1 where id = '${bob.id}'`);
      await harness.store.database.query(`update wallets set credit_limit = 0 where id = '${alice.id}'`);
      try {
        assert.deepEqual(await snapshot(), ['overdrawn', 'snapshot']);
      } finally {
        await harness.store.database.query(`update wallets set credits_posted = credits_posted - 1 where id = '${bob.id}'`);
        await harness.store.database.query(`update wallets set credit_limit = 100 where id = '${alice.id}'`);
      }
      assert.deepEqual(await snapshot(), []);
    });
  });
}
