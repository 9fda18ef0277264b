/**
 * Group commit keeps every request's own result: parallel transfers that share database
 * transactions (proved by the committer's counters) each get their own answer, those that
 * overdraw fail alone with insufficient_funds while their neighbours apply, balances equal
 * what the successful answers say, every Idempotency-Key is honoured exactly once (replays are
 * byte-identical, concurrent duplicates never apply twice, a failed request gives its key back)
 * and the ledger invariant holds, on the service path and over HTTP (duplicates, batches next to
 * single transfers). Every kind takes the one pipeline (one lock statement per kind of row and
 * one write for the group): a hot wallet credited by a whole group gets a balanceAfter per entry
 * that continues the one before, and holds and transfers sharing a group see each other's
 * effects, so no overdraft slips between them. An idle service runs each request at once in a group of its own; with
 * COFFER_GROUP_COMMIT=off nothing is grouped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { statusOf } from '../../src/api/errors.js';
import { presentTransactionWithEntries } from '../../src/api/present.js';
import { isCofferError } from '../../src/domain/errors.js';
import { presentHold } from '../../src/api/present-reservations.js';
import { planHold } from '../../src/services/holds.js';
import { runIdempotentPosting } from '../../src/services/idempotency.js';
import { movementUnit, postUnits } from '../../src/services/set-posting.js';
import { planMovement } from '../../src/services/transactions.js';
import { backends } from '../support/backends.js';
import { balanceOf, type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectStatus, type Harness, startHarness } from '../support/harness.js';
import { storedKey } from '../../src/store/idempotency-queries.js';

const walletCount = 6;
const initialBalance = 100n;
const transferCount = 60;
const amount = 30n;

interface Sent {
  readonly key: string;
  readonly from: string;
  readonly to: string;
  readonly status: number;
  readonly body: string;
  readonly replayed: boolean;
}

const admin = { apiKeyId: 'test', role: 'admin' as const, merchantId: null, scopes: ['read', 'write', 'issue'] as const };

for (const backend of backends) {
  describe(`group commit [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    const wallets: WalletRecord[] = [];
    before(async () => {
      // A longer wait and one group at a time make groups form even on a slow, shared machine.
      harness = await startHarness(backend, { COFFER_GROUP_COMMIT_WAIT_MS: '20', COFFER_GROUP_COMMIT_CONCURRENCY: '1' });
      usd = await isoCurrency(harness, 'USD');
      for (let index = 0; index < walletCount; index++) {
        wallets.push(await wallet(harness, usd.id));
        await topup(harness, (wallets[index] as WalletRecord).id, initialBalance.toString());
      }
    });
    after(() => harness.close());

    const transferOverHttp = (key: string, from: string, to: string) =>
      harness.request('POST', '/v1/transfers', { fromWalletId: from, toWalletId: to, amount: amount.toString() }, { headers: { 'idempotency-key': key } });

    /**
     * Drives the exact path the transfer route takes (runIdempotentPosting → group commit → the
     * posting pipeline), started all at once: over HTTP, PGlite answers each request before the next
     * one arrives, so requests would rarely meet in a group there.
     */
    const sendTransfer = async (key: string, from: string, to: string, value = amount): Promise<Sent> => {
      try {
        const outcome = await runIdempotentPosting(
          harness.context,
          { scope: '_admin', key, fingerprint: ['POST', '/v1/transfers', from, to, value.toString()] },
          movementUnit(
            admin,
            [from, to],
            harness.context.clock(),
            (tx) => planMovement(tx, admin, { kind: 'transfer', fromWalletId: from, toWalletId: to, amount: value }, harness.context.clock()),
            (moved) => ({ statusCode: 201, body: presentTransactionWithEntries(moved) }),
          ),
        );
        return { key, from, to, status: outcome.statusCode, body: JSON.stringify(outcome.body), replayed: outcome.replayed };
      } catch (error) {
        assert.ok(isCofferError(error), `only operating errors: ${String(error)}`);
        return { key, from, to, status: statusOf[error.code], body: JSON.stringify({ code: error.code }), replayed: false };
      }
    };

    /** A hold of `value` on `from` for `to`, through the same pipeline: it takes available money as a transfer does. */
    const sendHold = async (key: string, from: string, to: string, value: bigint) =>
      runIdempotentPosting(
        harness.context,
        { scope: '_admin', key, fingerprint: ['hold', from, to, value.toString()] },
        movementUnit(
          admin,
          [from, to],
          harness.context.clock(),
          (tx) => planHold(tx, admin, { walletId: from, toWalletId: to, amount: value }, harness.context.clock()),
          (held) => ({ statusCode: 201, body: presentHold(held) }),
        ),
      );

    it('gives each parallel transfer its own result, fails only the overdrawn ones, and replays each key exactly once', async () => {
      const before = harness.context.runtime.committer.stats();
      const plan = Array.from({ length: transferCount }, (_, index) => ({
        key: `gc-${backend.name}-${index}`,
        // Wallet 0 only sends and 5 only receives: wallet 0 runs dry while the others refill.
        from: (wallets[index % 5] as WalletRecord).id,
        to: (wallets[(index % 5) + 1] as WalletRecord).id,
      }));
      const sent = await Promise.all(plan.map((item) => sendTransfer(item.key, item.from, item.to)));
      const stats = harness.context.runtime.committer.stats();
      assert.ok(stats.largestGroup > 1, `requests were grouped (largest group ${stats.largestGroup})`);
      assert.ok(stats.requests - before.requests >= transferCount);

      const posted = sent.filter((item) => item.status === 201);
      const refused = sent.filter((item) => item.status !== 201);
      assert.ok(posted.length > 0 && refused.length > 0, `${posted.length} posted, ${refused.length} refused: both must happen`);
      for (const item of refused) assert.deepEqual([item.status, JSON.parse(item.body).code], [422, 'insufficient_funds']);
      // Balances are exactly what the successful answers add up to, and none went below zero.
      const expected = new Map(wallets.map((w) => [w.id, initialBalance]));
      for (const item of posted) {
        const body = JSON.parse(item.body) as { fromWalletId: string; toWalletId: string; amount: string };
        assert.deepEqual([body.fromWalletId, body.toWalletId, body.amount], [item.from, item.to, amount.toString()]);
        expected.set(item.from, (expected.get(item.from) as bigint) - amount);
        expected.set(item.to, (expected.get(item.to) as bigint) + amount);
      }
      for (const w of wallets) {
        const balance = BigInt((await balanceOf(harness, w.id)).posted);
        assert.equal(balance, expected.get(w.id), `balance of wallet ${w.id}`);
        assert.ok(balance >= 0n);
      }
      const count = async () =>
        Number((await harness.store.database.query<{ n: number }>(`select count(*)::int as n from transactions where kind = 'transfer'`))[0]?.n);
      assert.equal(await count(), posted.length, 'one transaction per acknowledged transfer, none for refusals');

      // Every key replays its first answer, in parallel; a refused request gave its key back.
      const replays = await Promise.all(sent.map((item) => sendTransfer(item.key, item.from, item.to)));
      replays.forEach((replay, index) => {
        const first = sent[index] as Sent;
        if (first.status === 201) {
          assert.deepEqual([replay.status, replay.replayed, JSON.parse(replay.body)], [201, true, JSON.parse(first.body)]);
        } else {
          assert.equal(replay.replayed, false, 'a refused request kept no key');
          assert.ok(replay.status === 201 || replay.status === 422, replay.body);
        }
      });
      const retried = replays.filter((replay, index) => (sent[index] as Sent).status !== 201 && replay.status === 201).length;
      assert.equal(await count(), posted.length + retried, 'replays applied nothing twice');
      await harness.assertLedgerConsistent();
    });

    it('credits a hot wallet from many grouped transfers in arrival order: every balanceAfter follows the one before', async () => {
      const hot = await wallet(harness, usd.id);
      const senders = wallets.slice(0, 5);
      for (const sender of senders) await topup(harness, sender.id, '1000');
      const before = harness.context.runtime.committer.stats();
      const sent = await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          sendTransfer(`gc-hot-${backend.name}-${index}`, (senders[index % 5] as WalletRecord).id, hot.id, BigInt(index + 1)),
        ),
      );
      assert.ok(harness.context.runtime.committer.stats().largestGroup > 1, 'grouped');
      assert.ok(harness.context.runtime.committer.stats().groups - before.groups < 40, 'fewer groups than requests');
      assert.deepEqual(
        sent.map((item) => item.status),
        Array.from({ length: 40 }, () => 201),
      );
      const entries = await harness.store.database.query<{ amount: string; balance_after: string }>(
        `select amount::text, balance_after::text from entries where wallet_id = $1 order by id`,
        [hot.id],
      );
      assert.equal(entries.length, 40);
      let running = 0n;
      for (const entry of entries) {
        running += BigInt(entry.amount);
        assert.equal(BigInt(entry.balance_after), running, 'each entry continues the balance of the one before');
      }
      assert.equal(BigInt((await balanceOf(harness, hot.id)).posted), (40n * 41n) / 2n);
      await harness.assertLedgerConsistent();
    });

    it("mixes holds and transfers in one group, each seeing the others' effects", async () => {
      const [source, sink] = [await wallet(harness, usd.id), await wallet(harness, usd.id)];
      await topup(harness, source.id, '100');
      // 20 of each kind race for 100: exactly ten 10-unit transfers can pass, whichever path they take.
      const attempts = await Promise.all(
        Array.from({ length: 20 }, (_, index) => [
          sendTransfer(`gc-mix-set-${backend.name}-${index}`, source.id, sink.id, 10n).then((item) => item.status),
          sendHold(`gc-mix-hold-${backend.name}-${index}`, source.id, sink.id, 10n).then(
            (outcome) => outcome.statusCode,
            (error: unknown) => (isCofferError(error) ? statusOf[error.code] : 500),
          ),
        ]).flat(),
      );
      assert.equal(attempts.filter((status) => status === 201).length, 10);
      assert.equal(attempts.filter((status) => status === 422).length, 30);
      // Whatever the mix, nothing is left available: ten passed, each taking 10 posted or held.
      const [sourceBalance, sinkBalance] = [await balanceOf(harness, source.id), await balanceOf(harness, sink.id)];
      assert.equal(sourceBalance.available, '0');
      assert.equal(BigInt(sourceBalance.posted) + BigInt(sinkBalance.posted), 100n);
      assert.equal(BigInt(sourceBalance.held), BigInt(sourceBalance.posted));
      await harness.assertLedgerConsistent();
    });

    it('runs two partial reversals of one transfer in one group, each seeing the one before', async () => {
      const [from, to] = [await wallet(harness, usd.id), await wallet(harness, usd.id)];
      await topup(harness, from.id, '100');
      const original = expectStatus<{ id: string }>(
        await harness.request('POST', '/v1/transfers', { fromWalletId: from.id, toWalletId: to.id, amount: '100' }),
        201,
      );
      const now = harness.context.clock();
      const reversal = (amount: bigint) => ({
        ...movementUnit(
          admin,
          [],
          now,
          (tx) => planMovement(tx, admin, { kind: 'reversal', transactionId: original.id, amount }, now),
          (moved) => ({ statusCode: 201, body: presentTransactionWithEntries(moved) }),
        ),
        idempotency: null,
      });
      // One group of three: 30 and 30 pass, the third (50) finds only 40 left.
      const outcomes = await harness.store.transaction((tx) => postUnits(tx, [reversal(30n), reversal(30n), reversal(50n)]));
      assert.deepEqual(
        outcomes.map((outcome) => (outcome.ok ? outcome.value.statusCode : (outcome.error as { code: string }).code)),
        [201, 201, 'reversal_exceeds_original'],
      );
      const events = await harness.store.database.query<{ data: { reversedAmount: string; reversalAmount: string } | string }>(
        `select data from events where subject_id = $1 and type = 'transaction.reversed' order by insert_seq`,
        [original.id],
      );
      const reversed = events.map((row) => (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as { reversedAmount: string });
      assert.deepEqual(
        reversed.map((data) => data.reversedAmount),
        ['30', '60'],
        'each event shows the original as its own reversal left it',
      );
      assert.deepEqual([(await balanceOf(harness, from.id)).posted, (await balanceOf(harness, to.id)).posted], ['60', '40']);
      await harness.assertLedgerConsistent();
    });

    it('applies concurrent duplicates of one key once', async () => {
      await topup(harness, (wallets[0] as WalletRecord).id, '1000');
      const from = (wallets[0] as WalletRecord).id;
      const to = (wallets[5] as WalletRecord).id;
      const responses = await Promise.all(Array.from({ length: 10 }, () => transferOverHttp(`gc-dup-${backend.name}`, from, to)));
      const created = responses.filter((response) => response.statusCode === 201);
      assert.ok(created.length >= 1);
      for (const response of responses) {
        assert.ok(response.statusCode === 201 || response.statusCode === 409, response.body);
        if (response.statusCode === 409) assert.equal(JSON.parse(response.body).code, 'request_in_progress');
      }
      const ids = new Set(created.map((response) => (JSON.parse(response.body) as { id: string }).id));
      assert.equal(ids.size, 1, 'every 201 names the same transaction');
      const rows = await harness.store.database.query<{ n: number }>('select count(*)::int as n from transactions where id = $1', [[...ids][0]]);
      assert.equal(Number(rows[0]?.n), 1);
      await harness.assertLedgerConsistent();
    });

    it('runs grouped independent batches next to single transfers, each with its own results', async () => {
      const [a, b, c] = wallets as [WalletRecord, WalletRecord, WalletRecord];
      await topup(harness, a.id, '500');
      const batch = (index: number) =>
        harness.request(
          'POST',
          '/v1/batches',
          {
            atomic: false,
            items: [
              { kind: 'transfer', fromWalletId: a.id, toWalletId: b.id, amount: '1' },
              { kind: 'transfer', fromWalletId: c.id, toWalletId: b.id, amount: '999999' },
            ],
          },
          { headers: { 'idempotency-key': `gc-batch-${backend.name}-${index}` } },
        );
      const responses = await Promise.all([...Array.from({ length: 8 }, (_, index) => batch(index)), transferOverHttp(`gc-mix-${backend.name}`, a.id, c.id)]);
      for (const response of responses.slice(0, 8)) {
        const body = expectStatus<{ succeeded: number; failed: number; results: { status: string; error?: { code: string } }[] }>(response, 201);
        assert.deepEqual([body.succeeded, body.failed, body.results[1]?.error?.code], [1, 1, 'insufficient_funds']);
      }
      expectStatus(responses[8] as NonNullable<(typeof responses)[8]>, 201);
      await harness.assertLedgerConsistent();
    });
  });

  describe(`group commit, several groups at once [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    before(async () => {
      harness = await startHarness(backend, { COFFER_GROUP_COMMIT_CONCURRENCY: '4', COFFER_GROUP_COMMIT_WAIT_MS: '5' });
      usd = await isoCurrency(harness, 'USD');
    });
    after(() => harness.close());

    it('runs holds, transfers and their journal links in shared groups without deadlocking on the chain head', async () => {
      // Every group locks its rows in one order (transaction rows, wallets) and the chain head last,
      // in one statement each: groups mixing holds and transfers never wait on each other in a cycle.
      const pool = [await wallet(harness, usd.id), await wallet(harness, usd.id), await wallet(harness, usd.id), await wallet(harness, usd.id)];
      for (const member of pool) await topup(harness, member.id, '100000');
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 120 }, (_, index) => {
          const from = pool[index % 4] as WalletRecord;
          const to = pool[(index + 1 + (index % 3)) % 4] as WalletRecord;
          return index % 2 === 0
            ? harness.request(
                'POST',
                '/v1/holds',
                { walletId: from.id, toWalletId: to.id, amount: '7' },
                { headers: { 'idempotency-key': `gc-hold-${backend.name}-${index}` } },
              )
            : harness.request(
                'POST',
                '/v1/transfers',
                { fromWalletId: from.id, toWalletId: to.id, amount: '7' },
                { headers: { 'idempotency-key': `gc-hold-t-${backend.name}-${index}` } },
              );
        }),
      );
      assert.deepEqual([...new Set(answers.map((answer) => answer.statusCode))], [201], answers.find((answer) => answer.statusCode !== 201)?.body);
      // A deadlock costs PostgreSQL's deadlock_timeout (1 s) each time before the retry.
      assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
      await harness.assertLedgerConsistent();
    });
  });

  describe(`group commit when idle [${backend.name}]`, () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness(backend, { COFFER_GROUP_COMMIT_WAIT_MS: '20' });
    });
    after(() => harness.close());

    it('starts a lone request at once, in a group of its own, without waiting for neighbours', async () => {
      const usd = await isoCurrency(harness, 'USD');
      const [a, b] = [await wallet(harness, usd.id), await wallet(harness, usd.id)];
      await topup(harness, a.id, '100');
      const before = harness.context.runtime.committer.stats();
      for (let index = 0; index < 5; index++) {
        expectStatus(await harness.request('POST', '/v1/transfers', { fromWalletId: a.id, toWalletId: b.id, amount: '10' }), 201);
      }
      const stats = harness.context.runtime.committer.stats();
      assert.deepEqual([stats.groups - before.groups, stats.requests - before.requests, stats.largestGroup], [5, 5, 1]);
      // The same counts reach operators at /metrics.
      const metrics = (await harness.request('GET', '/metrics', undefined, { key: null })).body;
      assert.match(metrics, new RegExp(`^coffer_group_commit_groups_total ${stats.groups}$`, 'm'));
      assert.match(metrics, new RegExp(`^coffer_group_commit_requests_total ${stats.requests}$`, 'm'));
      assert.equal((await balanceOf(harness, b.id)).posted, '50');
      await harness.assertLedgerConsistent();
    });
  });

  describe(`idempotency fence [${backend.name}]`, () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness(backend);
    });
    after(() => harness.close());

    it('completes and releases a key only under the claim that holds it', async () => {
      const [scope, key] = ['_admin', `fence-store-${backend.name}`];
      const claimedAt = new Date(Date.now() - 1000);
      assert.equal((await harness.store.read.claimIdempotencyKey(scope, key, 'h', claimedAt, new Date(Date.now() + 3_600_000), new Date(0))).state, 'claimed');
      const other = new Date(claimedAt.getTime() + 1);
      assert.equal(await harness.store.transaction((tx) => tx.completeIdempotencyKey(scope, key, other, 201, {})), false, 'not under another claim');
      await harness.store.read.releaseIdempotencyKey(scope, key, other);
      assert.equal(await harness.store.read.countIdempotencyKeys(), 1, 'another claim cannot release it');
      assert.equal(await harness.store.transaction((tx) => tx.completeIdempotencyKey(scope, key, claimedAt, 201, { ok: true })), true);
      await harness.store.database.query(`delete from idempotency_keys where key = $1`, [storedKey(scope, key)]);
    });

    // PostgreSQL only: PGlite has one connection, so no retry can claim the key while this request's transaction is open.
    if (backend.name === 'postgres')
      it('applies nothing of a request whose key a retry took over while it ran (409), and leaves the retry its claim', async () => {
        const usd = await isoCurrency(harness, 'USD');
        const [a, b] = [await wallet(harness, usd.id), await wallet(harness, usd.id)];
        await topup(harness, a.id, '100');
        const scope = '_admin';
        const key = `fence-${backend.name}`;
        const now = new Date();
        const unit = movementUnit(
          admin,
          [a.id, b.id],
          now,
          (tx) => planMovement(tx, admin, { kind: 'transfer', fromWalletId: a.id, toWalletId: b.id, amount: 10n }, now),
          (moved) => ({ statusCode: 201, body: presentTransactionWithEntries(moved) }),
        );
        const slow = {
          ...unit,
          // While this request runs, its claim goes stale and a retry claims the key anew (another connection).
          plan: async (tx: Parameters<typeof unit.plan>[0]) => {
            const later = new Date(Date.now() + 120_000);
            await harness.store.read.claimIdempotencyKey(scope, key, 'retry-hash', later, new Date(later.getTime() + 3_600_000), later);
            return unit.plan(tx);
          },
        };
        await assert.rejects(
          runIdempotentPosting(harness.context, { scope, key, fingerprint: ['fence'] }, slow),
          (error: unknown) => isCofferError(error) && error.code === 'request_in_progress',
        );
        assert.equal((await balanceOf(harness, b.id)).posted, '0', 'nothing of the overtaken request committed');
        const rows = await harness.store.database.query<{ request_hash: string; state: string }>(
          'select request_hash, state from idempotency_keys where scope = $1 and key = $2',
          [scope, storedKey(scope, key)],
        );
        assert.deepEqual(
          rows.map((row) => [row.request_hash, row.state]),
          [['retry-hash', 'in_flight']],
          "the retry's claim is left alone",
        );
        await harness.assertLedgerConsistent();
      });
  });

  describe(`group commit off [${backend.name}]`, () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness(backend, { COFFER_GROUP_COMMIT: 'off' });
    });
    after(() => harness.close());

    it('gives every request its own database transaction', async () => {
      const usd = await isoCurrency(harness, 'USD');
      const [a, b] = [await wallet(harness, usd.id), await wallet(harness, usd.id)];
      await topup(harness, a.id, '100');
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => harness.request('POST', '/v1/transfers', { fromWalletId: a.id, toWalletId: b.id, amount: '20' })),
      );
      assert.deepEqual(responses.map((response) => response.statusCode).sort(), [201, 201, 201, 201, 201, 422, 422, 422]);
      assert.deepEqual(harness.context.runtime.committer.stats(), { groups: 0, requests: 0, largestGroup: 0 });
      await harness.assertLedgerConsistent();
    });
  });
}
