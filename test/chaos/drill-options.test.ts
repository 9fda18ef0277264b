/**
 * The failover drill's modes (scripts/drill/options.ts): `--default-timeouts` runs with
 * pg_auto_failover's own timeouts and the 45 s bound, `--tuned` and `--short` with the tuned ones
 * and 15 s; CI's `--short --timing-advisory` stays short. And the floor pg_auto_failover's own
 * timeouts put under any recovery.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tunedMonitorSettings } from '../../scripts/drill/formation.js';
import { defaultMonitorSettings, failoverFloorSeconds, findBoundSeconds, parseDrillOptions, recoveryBoundSeconds } from '../../scripts/drill/options.js';

describe('failover drill options (unit)', () => {
  it('runs with pg_auto_failover defaults under --default-timeouts (also with --short) and with no flag, bound 45 s', () => {
    for (const argv of [['--default-timeouts'], [], ['--short', '--default-timeouts']]) {
      const options = parseDrillOptions(argv);
      assert.equal(options.timeouts, 'default', argv.join(' '));
      assert.equal(recoveryBoundSeconds[options.timeouts], 45);
      // The load outlasts pg_auto_failover's own floor (50 s), or no write after the kill could be seen.
      assert.ok(options.seconds - options.killAfterSeconds > failoverFloorSeconds(defaultMonitorSettings), argv.join(' '));
    }
  });

  it('runs tuned under --tuned and --short (CI), bound 15 s, and the short run stays short', () => {
    const ci = parseDrillOptions(['--short', '--timing-advisory']);
    assert.deepEqual([ci.timeouts, ci.short, ci.timingAdvisory, ci.seconds, ci.servers], ['tuned', true, true, 30, 2]);
    assert.equal(recoveryBoundSeconds[ci.timeouts], 15);
    assert.equal(parseDrillOptions(['--tuned']).timeouts, 'tuned');
    assert.equal(findBoundSeconds, 1);
    assert.throws(() => parseDrillOptions(['--tuned', '--default-timeouts']), /exclude/);
    assert.throws(() => parseDrillOptions(['--seconds', '0']), /positive/);
  });

  it("puts pg_auto_failover's floor above the 45 s bound with its defaults, and well under 15 s tuned", () => {
    assert.equal(failoverFloorSeconds(defaultMonitorSettings), 50);
    assert.ok(failoverFloorSeconds(defaultMonitorSettings) > recoveryBoundSeconds.default);
    assert.equal(failoverFloorSeconds(tunedMonitorSettings), 7);
    assert.ok(failoverFloorSeconds(tunedMonitorSettings) < recoveryBoundSeconds.tuned);
  });
});
