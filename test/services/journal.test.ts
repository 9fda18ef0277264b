/**
 * The tamper-evident journal: every committed transaction adds exactly one link (refused
 * requests, failed atomic batches and idempotent replays add none), the chain verifies, and
 * every kind of tampering is caught and named: an edited amount, a deleted middle transaction,
 * deleted entries, two links swapped, a forged transaction with a correctly recomputed own hash,
 * a transaction with no link. A truncated tail (transactions, links, counters and head all
 * rewritten consistently) passes a plain verify and is caught only against a saved digest.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatDigest, type JournalDigest } from '../../src/services/journal-verify.js';
import { journalBody, linkHash } from '../../src/services/journal.js';
import { verifyLedger } from '../../src/services/verify.js';
import { backends } from '../support/backends.js';
import { isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

interface Scenario {
  readonly harness: Harness;
  readonly alice: WalletRecord;
  readonly bob: WalletRecord;
  /** Transaction ids in commit order: link n seals transactions[n - 1]. */
  readonly transactions: readonly string[];
}

/** Two wallets, a top-up and five transfers: six links. */
async function scenario(harness: Harness): Promise<Scenario> {
  const usd = await isoCurrency(harness, 'USD');
  const alice = await wallet(harness, usd.id);
  const bob = await wallet(harness, usd.id);
  const transactions = [String((await topup(harness, alice.id, '1000')).id)];
  for (let index = 1; index <= 5; index++) {
    const transfer = expectStatus(
      await harness.request('POST', '/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount: String(index * 10) }),
      201,
    );
    transactions.push(String(transfer.id));
  }
  return { harness, alice, bob, transactions };
}

async function brokenAt(harness: Harness, against?: JournalDigest) {
  const report = await verifyLedger(harness.store, against);
  assert.equal(report.ok, false, 'verify must fail');
  assert.ok(report.journal.firstBroken !== null, `the journal must be broken: ${report.firstDiscrepancy}`);
  assert.match(report.firstDiscrepancy ?? '', /^journal /);
  return report.journal.firstBroken;
}

/** Recomputes every wallet's counters from its entries, as a careful attacker would. */
const recomputeCounters = `update wallets w set
  debits_posted = (select coalesce(sum(amount), 0) from entries e where e.balance_wallet_id = w.id and not pending and direction = 'debit'),
  credits_posted = (select coalesce(sum(amount), 0) from entries e where e.balance_wallet_id = w.id and not pending and direction = 'credit'),
  debits_pending = (select coalesce(sum(amount), 0) from entries e where e.balance_wallet_id = w.id and pending and direction = 'debit'),
  credits_pending = (select coalesce(sum(amount), 0) from entries e where e.balance_wallet_id = w.id and pending and direction = 'credit')`;

for (const backend of backends) {
  describe(`journal on ${backend.name}`, () => {
    describe('growth', () => {
      let harness: Harness;
      before(async () => {
        harness = await startHarness(backend);
      });
      after(() => harness.close());

      it('adds one link per committed transaction and none for refusals, failed atomic batches or replays', async () => {
        const head = async () => (await verifyLedger(harness.store)).journal.head.seq;
        const { alice, bob, transactions } = await scenario(harness);
        assert.equal(await head(), 6n);
        const links = await harness.store.database.query<{ transaction_id: string }>('select transaction_id from journal order by seq');
        assert.deepEqual(
          links.map((row) => row.transaction_id),
          transactions,
        );

        expectProblem(
          await harness.request('POST', '/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount: '999999' }),
          422,
          'insufficient_funds',
        );
        const batch = expectStatus<{ succeeded: number }>(
          await harness.request('POST', '/v1/batches', {
            atomic: true,
            items: [
              { kind: 'transfer', fromWalletId: alice.id, toWalletId: bob.id, amount: '1' },
              { kind: 'transfer', fromWalletId: alice.id, toWalletId: bob.id, amount: '999999' },
            ],
          }),
          422,
        ).succeeded;
        assert.equal(batch ?? 0, 0);
        assert.equal(await head(), 6n);

        const body = { fromWalletId: alice.id, toWalletId: bob.id, amount: '7' };
        const first = await harness.request('POST', '/v1/transfers', body, { headers: { 'idempotency-key': 'journal-replay' } });
        expectStatus(first, 201);
        const replay = await harness.request('POST', '/v1/transfers', body, { headers: { 'idempotency-key': 'journal-replay' } });
        assert.equal(replay.headers['idempotent-replayed'], 'true');
        assert.equal(await head(), 7n);

        const original = transactions[1] as string;
        expectStatus(await harness.request('POST', `/v1/transactions/${original}/reverse`, { amount: '4' }), 201);
        assert.equal(await head(), 8n);
        await harness.assertLedgerConsistent();
      });

      it('chains each link to the previous one with sha256(previous hash ‖ canonical body)', async () => {
        const rows = await harness.store.database.query<{ seq: string; transaction_id: string; previous_hash: string; hash: string; body: string }>(
          'select * from journal order by seq',
        );
        let previous = '0'.repeat(64);
        for (const row of rows) {
          assert.equal(row.previous_hash, previous);
          assert.equal(row.hash, linkHash(previous, row.body));
          const parsed = JSON.parse(row.body) as { v: number; transaction: { id: string; amount: string }; entries: unknown[] };
          assert.equal(parsed.transaction.id, row.transaction_id);
          assert.equal(typeof parsed.transaction.amount, 'string');
          assert.ok(parsed.entries.length >= 2);
          previous = row.hash;
        }
        const current = await harness.store.read.getTransaction(rows.at(-1)?.transaction_id ?? '');
        assert.ok(current !== null);
        assert.equal(journalBody(current), rows.at(-1)?.body);
      });

      it('answers GET /v1/reports/verify for admins only, with the head and a digest check', async () => {
        const report = expectStatus<{ ok: boolean; journal: { links: number; head: string; firstBrokenLink: unknown } }>(
          await harness.request('GET', '/v1/reports/verify'),
          200,
        );
        assert.equal(report.ok, true);
        assert.equal(report.journal.links, 8);
        assert.match(report.journal.head, /^8:[0-9a-f]{64}$/);
        assert.equal(report.journal.firstBrokenLink, null);
        const same = expectStatus<{ ok: boolean }>(await harness.request('GET', `/v1/reports/verify?against=${report.journal.head}`), 200);
        assert.equal(same.ok, true);
        const later = expectStatus<{ ok: boolean; journal: { firstBrokenLink: { seq: string; reason: string } } }>(
          await harness.request('GET', `/v1/reports/verify?against=9:${'a'.repeat(64)}`),
          200,
        );
        assert.equal(later.ok, false);
        assert.equal(later.journal.firstBrokenLink.seq, '9');
        assert.match(later.journal.firstBrokenLink.reason, /truncated/);
        expectProblem(await harness.request('GET', '/v1/reports/verify?against=8:xyz'), 400, 'validation_failed');
        expectProblem(await harness.request('GET', '/v1/reports/verify', undefined, { key: await harness.merchantKey('m') }), 403, 'forbidden');
      });
    });

    describe('tampering', () => {
      let current: Scenario;
      const fresh = async () => {
        current = await scenario(await startHarness(backend));
        assert.equal((await verifyLedger(current.harness.store)).ok, true);
        return current;
      };
      const done = () => current.harness.close();

      it('names the link of a transaction whose amount was updated', async () => {
        const { harness, transactions } = await fresh();
        await harness.store.database.query('update transactions set amount = amount + 1 where id = $1', [transactions[2]]);
        const broken = await brokenAt(harness);
        assert.equal(broken.seq, 3n);
        assert.equal(broken.transactionId, transactions[2]);
        assert.match(broken.reason, /differ from what the link sealed/);
        await done();
      });

      it('names the link of a transaction whose entry amount was updated, before the counter mismatch', async () => {
        const { harness, transactions } = await fresh();
        await harness.store.database.query(`update entries set amount = amount + 5 where transaction_id = $1 and direction = 'credit'`, [transactions[4]]);
        const broken = await brokenAt(harness);
        assert.equal(broken.seq, 5n);
        assert.equal(broken.transactionId, transactions[4]);
        await done();
      });

      it('names the missing link when a middle transaction is deleted with its link and entries', async () => {
        const { harness, transactions } = await fresh();
        const victim = transactions[3];
        await harness.store.database.query('delete from journal where transaction_id = $1', [victim]);
        await harness.store.database.query('delete from entries where transaction_id = $1', [victim]);
        await harness.store.database.query('delete from transactions where id = $1', [victim]);
        await harness.store.database.query(recomputeCounters);
        const broken = await brokenAt(harness);
        assert.equal(broken.seq, 4n);
        assert.match(broken.reason, /link 4 is missing/);
        await done();
      });

      it('names the link whose entries were deleted', async () => {
        const { harness, transactions } = await fresh();
        await harness.store.database.query('delete from entries where transaction_id = $1', [transactions[1]]);
        const broken = await brokenAt(harness);
        assert.equal(broken.seq, 2n);
        assert.equal(broken.transactionId, transactions[1]);
        await done();
      });

      it('names the first position of two swapped links', async () => {
        const { harness, transactions } = await fresh();
        await harness.store.database.query('update journal set seq = 1000 where seq = 2');
        await harness.store.database.query('update journal set seq = 2 where seq = 5');
        await harness.store.database.query('update journal set seq = 5 where seq = 1000');
        const broken = await brokenAt(harness);
        assert.equal(broken.seq, 2n);
        assert.equal(broken.transactionId, transactions[4]);
        assert.match(broken.reason, /previous hash does not match the hash of link 1/);
        await done();
      });

      it('names the link after a forged transaction inserted with a correctly recomputed own hash', async () => {
        const { harness, alice, bob, transactions } = await fresh();
        const template = await harness.store.read.getTransaction(transactions[2] as string);
        assert.ok(template !== null);
        const forgedId = '00000000-0000-7000-8000-00000000f0f0';
        await harness.store.database.query(
          `insert into transactions (id, kind, status, currency_id, amount, from_wallet_id, to_wallet_id, created_at, posted_at)
           select $1, kind, status, currency_id, 500, $2, $3, created_at, posted_at from transactions where id = $4`,
          [forgedId, alice.id, bob.id, transactions[2]],
        );
        await harness.store.database.query(
          `insert into entries (transaction_id, wallet_id, balance_wallet_id, currency_id, direction, amount, pending, balance_after, created_at)
           select $1, wallet_id, balance_wallet_id, currency_id, direction, 500, pending, balance_after, created_at from entries where transaction_id = $2`,
          [forgedId, transactions[2]],
        );
        await harness.store.database.query(recomputeCounters);
        // Make room after link 3 and insert the forged link there, hashed correctly onto link 3.
        await harness.store.database.query('update journal set seq = seq + 1000 where seq > 3');
        await harness.store.database.query('update journal set seq = seq - 999 where seq > 1000');
        await harness.store.database.query('update journal_head set seq = seq + 1');
        const forged = await harness.store.read.getTransaction(forgedId);
        const link3 = await harness.store.read.journalLinkAt(3n);
        assert.ok(forged !== null && link3 !== null);
        const body = journalBody(forged);
        await harness.store.database.query('insert into journal (seq, transaction_id, previous_hash, hash, body) values (4, $1, $2, $3, $4)', [
          forgedId,
          link3.hash,
          linkHash(link3.hash, body),
          body,
        ]);
        const broken = await brokenAt(harness);
        assert.equal(broken.seq, 5n);
        assert.equal(broken.transactionId, transactions[3]);
        assert.match(broken.reason, /previous hash does not match the hash of link 4/);
        await done();
      });

      it('names a forged transaction that has no link at all', async () => {
        const { harness, transactions } = await fresh();
        const forgedId = '00000000-0000-7000-8000-00000000f0f1';
        await harness.store.database.query(
          `insert into transactions (id, kind, status, currency_id, amount, from_wallet_id, to_wallet_id, created_at, posted_at)
           select $1, kind, status, currency_id, amount, from_wallet_id, to_wallet_id, created_at, posted_at from transactions where id = $2`,
          [forgedId, transactions[1]],
        );
        const broken = await brokenAt(harness);
        assert.equal(broken.transactionId, forgedId);
        assert.match(broken.reason, /has no journal link/);
        await done();
      });

      it('names an edited link body even when its own hash was recomputed', async () => {
        const { harness } = await fresh();
        const link = await harness.store.read.journalLinkAt(2n);
        assert.ok(link !== null);
        const body = link.body.replace('"amount":"10"', '"amount":"11"');
        assert.notEqual(body, link.body);
        await harness.store.database.query('update journal set body = $1, hash = $2 where seq = 2', [body, linkHash(link.previousHash, body)]);
        const broken = await brokenAt(harness);
        assert.equal(broken.seq, 2n);
        await done();
      });

      it('catches a consistently truncated tail only against a saved digest', async () => {
        const { harness, transactions } = await fresh();
        const saved = (await verifyLedger(harness.store)).journal.head;
        assert.equal(formatDigest(saved).split(':')[0], '6');
        const tail = transactions.slice(4);
        await harness.store.database.query('delete from journal where seq > 4');
        await harness.store.database.query('delete from entries where transaction_id = any($1::uuid[])', [tail]);
        await harness.store.database.query('delete from transactions where id = any($1::uuid[])', [tail]);
        await harness.store.database.query(recomputeCounters);
        await harness.store.database.query('update journal_head set seq = 4, hash = (select hash from journal where seq = 4)');
        const plain = await verifyLedger(harness.store);
        assert.equal(plain.ok, true, `a consistent truncation passes a plain verify: ${plain.firstDiscrepancy}`);
        const broken = await brokenAt(harness, saved);
        assert.equal(broken.seq, 6n);
        assert.match(broken.reason, /ends at link 4 .* truncated/);
        await done();
      });

      it('names a head row that disagrees with the chain', async () => {
        const { harness } = await fresh();
        await harness.store.database.query('delete from journal where seq = 6');
        const broken = await brokenAt(harness);
        assert.match(broken.reason, /head names link 6 but the chain ends at link 5/);
        await done();
      });
    });
  });
}
