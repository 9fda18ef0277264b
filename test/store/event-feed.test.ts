/**
 * The feed position is given in commit order, not insertion order: an event inserted first by a
 * database transaction that commits last is numbered after the events committed before it, so a
 * consumer that has read up to position N never later finds a new event at or below N. Needs two
 * connections, so it runs on PostgreSQL (PGlite has one connection and cannot interleave).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { recordEvent, sealEvents } from '../../src/services/events.js';
import type { Store } from '../../src/store/store.js';
import { newId } from '../../src/services/ids.js';

for (const backend of backends.filter((candidate) => candidate.name === 'postgres')) {
  describe(`event feed sealing [${backend.name}]`, () => {
    let store: Store;
    before(async () => {
      store = await backend.open();
    });
    after(() => store.close());

    it('numbers a late-committing earlier insert after the events committed before it', async () => {
      const now = new Date();
      const early = newId();
      const late = newId();
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let inserted: () => void = () => undefined;
      const insertedEarly = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      const slow = store.transaction(async (tx) => {
        await recordEvent(tx, { type: 'wallet.created', merchantId: null, subjectId: early, data: {} }, now);
        inserted();
        await gate;
      });
      await insertedEarly;
      await store.transaction((tx) => recordEvent(tx, { type: 'wallet.created', merchantId: null, subjectId: late, data: {} }, now));
      assert.equal(await sealEvents(store, now), 1, 'only the committed event is numbered');
      release();
      await slow;
      assert.equal(await sealEvents(store, now), 1);
      const rows = await store.database.query<{ subject_id: string; position: string }>(
        'select subject_id::text, position::text as position from events order by events.position',
      );
      assert.deepEqual(rows, [
        { subject_id: late, position: '1' },
        { subject_id: early, position: '2' },
      ]);
    });

    it('numbers without gaps when many sealers race', async () => {
      const now = new Date();
      await Promise.all(
        Array.from({ length: 30 }, () =>
          store.transaction((tx) => recordEvent(tx, { type: 'wallet.created', merchantId: null, subjectId: newId(), data: {} }, now)),
        ),
      );
      await Promise.all(Array.from({ length: 8 }, () => sealEvents(store, now)));
      const rows = await store.database.query<{ position: string }>('select position::text as position from events order by events.position');
      assert.deepEqual(
        rows.map((row) => row.position),
        Array.from({ length: 32 }, (_, index) => String(index + 1)),
      );
    });
  });
}
