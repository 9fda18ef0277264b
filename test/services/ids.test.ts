/**
 * Ids are UUIDv7: version and variant bits set, the creation millisecond in the first 48 bits (so
 * they sort by time), and the rest random: no two alike, even across many refills of the pool of
 * random bytes they are drawn from.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../src/services/ids.js';

describe('ids', () => {
  it('are UUIDv7 carrying their millisecond, unique over 20,000 draws, and sort by time', () => {
    const seen = new Set<string>();
    let previous = '';
    for (let index = 0; index < 20_000; index++) {
      const at = 1_700_000_000_000 + index;
      const id = newId(at);
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(parseInt(id.replaceAll('-', '').slice(0, 12), 16), at);
      assert.ok(id > previous, 'a later millisecond sorts after');
      seen.add(id);
      previous = id;
    }
    assert.equal(seen.size, 20_000);
    // Within one millisecond the random part differs.
    const same = new Set(Array.from({ length: 1000 }, () => newId(1_700_000_000_000)));
    assert.equal(same.size, 1000);
  });
});
