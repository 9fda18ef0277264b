/**
 * `coffer verify` walks the journal in pages: whatever the page size (one link, a few, all at
 * once), it reaches the same verdict and names the same first broken link, also when a
 * transaction's links (a hold and its capture) lie on different pages and when the tampering
 * sits right at a page boundary. And it can run on a live ledger: verifying while transfers and
 * hold captures commit never reports a break that is not there (when the head row was read
 * before the walk, PostgreSQL reported "the head names link 3 but the chain ends at link 4" here).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type JournalReport, journalPageSize, verifyJournal } from '../../src/services/journal-verify.js';
import { backends } from '../support/backends.js';
import { isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectStatus, type Harness, startHarness } from '../support/harness.js';

/** Page sizes that put every boundary somewhere else in the nine links of the scenario. */
const pageSizes = [1, 2, 3, 4, 5, 8, 9, journalPageSize] as const;

interface Scenario {
  readonly harness: Harness;
  /** Transaction ids by link: link n seals links[n - 1]. */
  readonly links: readonly string[];
}

/**
 * Nine links: a top-up (1), two holds (2, 3), two transfers (4, 5), the first hold captured (6,
 * its second link), the second voided (7), two more transfers (8, 9).
 */
async function scenario(harness: Harness): Promise<Scenario> {
  const usd = await isoCurrency(harness, 'USD');
  const alice = await wallet(harness, usd.id);
  const bob = await wallet(harness, usd.id);
  const id = (body: unknown) => String((body as { id: string }).id);
  const transfer = async (amount: string) =>
    id(expectStatus(await harness.request('POST', '/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount }), 201));
  const hold = async (amount: string) => id(expectStatus(await harness.request('POST', '/v1/holds', { walletId: alice.id, toWalletId: bob.id, amount }), 201));
  const toppedUp = id(await topup(harness, alice.id, '10000'));
  const holdA = await hold('300');
  const holdB = await hold('200');
  const transfers = [await transfer('10'), await transfer('20')];
  expectStatus(await harness.request('POST', `/v1/holds/${holdA}/capture`, { amount: '250' }), 200);
  expectStatus(await harness.request('POST', `/v1/holds/${holdB}/void`, {}), 200);
  transfers.push(await transfer('30'), await transfer('40'));
  return { harness, links: [toppedUp, holdA, holdB, transfers[0], transfers[1], holdA, holdB, transfers[2], transfers[3]] as string[] };
}

/** The report for every page size; all must be the same, and that one is returned. */
async function verifiedInPages(harness: Harness): Promise<JournalReport> {
  const reports = [];
  for (const size of pageSizes) reports.push(await verifyJournal(harness.store, undefined, size));
  const [first] = reports;
  assert.ok(first !== undefined);
  for (const [index, report] of reports.entries()) assert.deepEqual(report, first, `pages of ${pageSizes[index]} links`);
  return first;
}

for (const backend of backends) {
  describe(`journal verification in pages on ${backend.name}`, () => {
    it('verifies the intact chain whatever the page size, a hold and its capture on different pages', async () => {
      const { harness, links } = await scenario(await startHarness(backend));
      const [link] = await harness.store.database.query<{ transaction_id: string }>('select transaction_id from journal where seq = 6');
      assert.equal(link?.transaction_id, links[5], 'link 6 is the capture of the hold sealed first by link 2');
      const report = await verifiedInPages(harness);
      assert.equal(report.ok, true, JSON.stringify(report.firstBroken));
      assert.equal(report.links, 9);
      assert.equal(report.head.seq, 9n);
      await harness.close();
    });

    const tamperings: readonly {
      readonly name: string;
      readonly tamper: (harness: Harness, links: readonly string[]) => Promise<unknown>;
      readonly seq: bigint | null;
      readonly transaction: number | null;
      readonly reason: RegExp;
    }[] = [
      {
        name: 'a captured hold edited: its latest link (6) is named, not its first (2)',
        tamper: (harness, links) => harness.store.database.query('update transactions set amount = amount + 1 where id = $1', [links[5]]),
        seq: 6n,
        transaction: 5,
        reason: /differ from what the link sealed/,
      },
      {
        name: 'the entries of a voided hold edited',
        tamper: (harness, links) => harness.store.database.query(`update entries set amount = amount + 1 where transaction_id = $1`, [links[6]]),
        seq: 7n,
        transaction: 6,
        reason: /differ from what the link sealed/,
      },
      {
        name: 'link 5 deleted',
        tamper: (harness) => harness.store.database.query('delete from journal where seq = 5'),
        seq: 5n,
        transaction: null,
        reason: /^link 5 is missing: the chain jumps from link 4 to link 6$/,
      },
      {
        name: 'links 4 and 5 swapped',
        tamper: async (harness) => {
          await harness.store.database.query('update journal set seq = 1000 where seq = 4');
          await harness.store.database.query('update journal set seq = 4 where seq = 5');
          await harness.store.database.query('update journal set seq = 5 where seq = 1000');
        },
        seq: 4n,
        transaction: 4,
        reason: /^its previous hash does not match the hash of link 3$/,
      },
      {
        name: 'the body of link 8 edited, its hash left',
        tamper: (harness) => harness.store.database.query(`update journal set body = replace(body, '"amount":"30"', '"amount":"31"') where seq = 8`),
        seq: 8n,
        transaction: 7,
        reason: /^its hash does not match its previous hash and body$/,
      },
      {
        name: 'the last link deleted, the head left',
        tamper: (harness) => harness.store.database.query('delete from journal where seq = 9'),
        seq: 9n,
        transaction: null,
        reason: /^the head names link 9 but the chain ends at link 8$/,
      },
    ];
    for (const { name, tamper, seq, transaction, reason } of tamperings) {
      it(`names the same first broken link on every page size: ${name}`, async () => {
        const { harness, links } = await scenario(await startHarness(backend));
        await tamper(harness, links);
        const report = await verifiedInPages(harness);
        assert.equal(report.ok, false);
        assert.equal(report.firstBroken?.seq, seq);
        assert.equal(report.firstBroken?.transactionId, transaction === null ? null : links[transaction]);
        assert.match(report.firstBroken?.reason ?? '', reason);
        await harness.close();
      });
    }

    describe('on a live ledger', () => {
      let harness: Harness;
      let alice: WalletRecord;
      let bob: WalletRecord;
      before(async () => {
        harness = await startHarness(backend);
        const usd = await isoCurrency(harness, 'USD');
        alice = await wallet(harness, usd.id);
        bob = await wallet(harness, usd.id);
        await topup(harness, alice.id, '1000000');
      });
      after(() => harness.close());

      it('never reports a break while transfers, holds and captures commit meanwhile', async () => {
        let writing = true;
        const writes = (async () => {
          let count = 0;
          while (writing || count < 20) {
            const held = expectStatus<{ id: string }>(await harness.request('POST', '/v1/holds', { walletId: alice.id, toWalletId: bob.id, amount: '5' }), 201);
            expectStatus(await harness.request('POST', '/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount: '1' }), 201);
            expectStatus(await harness.request('POST', `/v1/holds/${held.id}/capture`, { amount: '3' }), 200);
            count += 1;
          }
          return count;
        })();
        const verdicts = [];
        try {
          for (let round = 0; round < 12; round++) verdicts.push(await verifyJournal(harness.store, undefined, 1 + (round % 3)));
        } finally {
          writing = false;
        }
        const writeRounds = await writes;
        const final = await verifyJournal(harness.store);
        for (const verdict of verdicts) assert.equal(verdict.firstBroken, null, `${verdict.firstBroken?.reason}`);
        // The writes really overlapped the walks: the chain grew between the first walk and the last.
        const [first] = verdicts;
        assert.ok(first !== undefined && final.links > first.links, `${first?.links} → ${final.links} links`);
        assert.equal(final.links, 1 + writeRounds * 3);
        assert.equal(final.ok, true);
      });
    });
  });
}
