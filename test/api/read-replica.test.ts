/**
 * Read replicas (DATABASE_READ_URL): statements, lists and reports are served by a streaming
 * replica; a write answers with `Coffer-Consistency-Token` (the primary's WAL position after its
 * commit), and a read that sends it back as `Coffer-Read-After` is served by the replica only once
 * it has replayed that far, else by the primary. On a replica delayed on purpose
 * (recovery_min_apply_delay), a transfer followed at once by a statement read with the token never
 * misses the transfer, while the same read without the token (served by the lagging replica) does.
 * The test builds its own primary and replica (initdb, pg_basebackup); without the PostgreSQL
 * server binaries it is skipped with a message saying so.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/connect.js';
import { expectStatus, type Harness, startHarness } from '../support/harness.js';
import { PgPair, serverBinaries } from '../support/pg-pair.js';

const applyDelayMs = 1500;

describe('read replica with consistency tokens [postgres, own primary and delayed replica]', () => {
  let pair: PgPair | null = null;
  let harness: Harness | null = null;
  before(async () => {
    if (serverBinaries() === null) return;
    pair = await PgPair.create(applyDelayMs);
    const { primaryPort, standbyPort } = pair;
    harness = await startHarness({
      name: 'postgres',
      open: () => openStore({ databaseUrl: pair?.url(primaryPort) as string, readUrl: pair?.url(standbyPort) as string, poolSize: 5 }),
    });
  });
  after(async () => {
    await harness?.close();
    await pair?.destroy();
  });

  it('reads its own writes with the token; the delayed replica alone would miss them', async (context) => {
    if (pair === null || harness === null) {
      // On a bare Node machine (issue 14) this says plainly that it did not run; in CI it must run.
      const message = 'DID NOT RUN: PostgreSQL server binaries (/usr/lib/postgresql/*/bin/pg_basebackup) are not installed: read replicas not tested';
      assert.ok(process.env.CI !== 'true', message);
      return context.skip(message);
    }
    const h = harness;
    const currency = expectStatus<{ id: string }>(await h.request('POST', '/v1/currencies/iso/EUR'), 201);
    const from = expectStatus<{ id: string }>(await h.request('POST', '/v1/wallets', { currencyId: currency.id }), 201);
    const to = expectStatus<{ id: string }>(await h.request('POST', '/v1/wallets', { currencyId: currency.id }), 201);
    expectStatus(await h.request('POST', '/v1/topups', { walletId: from.id, amount: '100000' }, { headers: { 'idempotency-key': 'replica-topup' } }), 201);
    // The replica must know the wallets before the rounds start (it is 1.5 s behind): without the
    // token a read of a wallet it has not replayed yet is a 404, which is not what the rounds test.
    for (const waitUntil = Date.now() + 30_000; (await h.request('GET', `/v1/wallets/${to.id}/entries`)).statusCode !== 200; ) {
      assert.ok(Date.now() < waitUntil, 'the replica never replayed the wallets');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    let missedWithoutToken = 0;
    for (let round = 0; round < 5; round++) {
      const response = await h.request(
        'POST',
        '/v1/transfers',
        { fromWalletId: from.id, toWalletId: to.id, amount: String(100 + round) },
        { headers: { 'idempotency-key': `replica-${round}` } },
      );
      const transfer = expectStatus<{ id: string }>(response, 201);
      const token = response.headers['coffer-consistency-token'];
      assert.match(String(token), /^[0-9A-F]+\/[0-9A-F]+$/i, 'a write answers with a WAL position');

      const withToken = await h.request('GET', `/v1/wallets/${to.id}/entries`, undefined, { headers: { 'coffer-read-after': String(token) } });
      const entries = expectStatus<{ data: { transactionId: string }[] }>(withToken, 200);
      assert.ok(
        entries.data.some((entry) => entry.transactionId === transfer.id),
        `the statement read with the token (served by the ${withToken.headers['coffer-read-from']}) misses the transfer`,
      );
      assert.equal(withToken.headers['coffer-read-from'], 'primary', 'the replica is 1.5 s behind: the token sends the read to the primary');

      const withoutToken = await h.request('GET', `/v1/wallets/${to.id}/entries`);
      assert.equal(withoutToken.headers['coffer-read-from'], 'replica');
      const stale = expectStatus<{ data: { transactionId: string }[] }>(withoutToken, 200);
      if (!stale.data.some((entry) => entry.transactionId === transfer.id)) missedWithoutToken++;
    }
    assert.ok(missedWithoutToken > 0, 'the delayed replica never lagged: the test would prove nothing');

    // Once the replica has replayed past the token, the same read is served by the replica, complete.
    const last = await h.request(
      'POST',
      '/v1/transfers',
      { fromWalletId: from.id, toWalletId: to.id, amount: '7' },
      { headers: { 'idempotency-key': 'replica-last' } },
    );
    const lastTransfer = expectStatus<{ id: string }>(last, 201);
    const token = String(last.headers['coffer-consistency-token']);
    await sleep(applyDelayMs + 1500);
    const caughtUp = await h.request('GET', `/v1/wallets/${to.id}/entries`, undefined, { headers: { 'coffer-read-after': token } });
    assert.equal(caughtUp.headers['coffer-read-from'], 'replica');
    assert.ok(expectStatus<{ data: { transactionId: string }[] }>(caughtUp, 200).data.some((entry) => entry.transactionId === lastTransfer.id));
    await h.assertLedgerConsistent();
  });
});
