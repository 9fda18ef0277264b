/**
 * The posting rule, table-driven: which movements are accepted, what they do to the four
 * counters, and that every accepted set of entries balances per currency.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { balanceOf, type Counters, zeroCounters } from '../../src/domain/balance.js';
import { CofferError } from '../../src/domain/errors.js';
import { imbalance, type Leg, post } from '../../src/domain/posting.js';
import type { WalletState } from '../../src/domain/wallet.js';

function walletState(id: string, overrides: Partial<WalletState> = {}): WalletState {
  return { id, currencyId: 'usd', category: 'client', status: 'active', creditLimit: 0n, parentWalletId: null, counters: zeroCounters, ...overrides };
}

const funded = (posted: bigint): Counters => ({ ...zeroCounters, creditsPosted: posted });

function states(...wallets: WalletState[]): Map<string, WalletState> {
  return new Map(wallets.map((wallet) => [wallet.id, wallet]));
}

const move = (from: string, to: string, amount: bigint, phase: Leg['phase'] = 'posted'): Leg => ({ debitWalletId: from, creditWalletId: to, amount, phase });

function refusedWith(code: string) {
  return (error: unknown) => error instanceof CofferError && error.code === code;
}

describe('post', () => {
  it('moves posted money and reports the balance after each entry', () => {
    const result = post(states(walletState('a', { counters: funded(100n) }), walletState('b')), [move('a', 'b', 30n)]);
    assert.equal(balanceOf(result.counters.get('a') as Counters, 0n).posted, 70n);
    assert.equal(balanceOf(result.counters.get('b') as Counters, 0n).posted, 30n);
    assert.deepEqual(
      result.entries.map((entry) => [entry.walletId, entry.direction, entry.balanceAfter]),
      [
        ['a', 'debit', 70n],
        ['b', 'credit', 30n],
      ],
    );
  });

  it('lets system accounts go negative but not client wallets', () => {
    const system = walletState('issuing', { category: 'system' });
    const result = post(states(system, walletState('b')), [move('issuing', 'b', 500n)]);
    assert.equal(balanceOf(result.counters.get('issuing') as Counters, 0n).posted, -500n);
    assert.throws(() => post(states(walletState('a'), walletState('b')), [move('a', 'b', 1n)]), refusedWith('insufficient_funds'));
  });

  it('allows a debit down to exactly −creditLimit and not one unit further', () => {
    const a = walletState('a', { creditLimit: 50n, counters: funded(10n) });
    assert.equal(balanceOf(post(states(a, walletState('b')), [move('a', 'b', 60n)]).counters.get('a') as Counters, 50n).available, -50n);
    assert.throws(() => post(states(a, walletState('b')), [move('a', 'b', 61n)]), refusedWith('insufficient_funds'));
  });

  it('counts holds against available, and a capture does not need the money twice', () => {
    const a = walletState('a', { counters: funded(100n) });
    const held = post(states(a, walletState('s', { category: 'system' })), [move('a', 's', 80n, 'pending')]);
    const afterHold = held.counters.get('a') as Counters;
    assert.equal(balanceOf(afterHold, 0n).available, 20n);
    assert.equal(balanceOf(afterHold, 0n).held, 80n);
    const withHold = states(
      { ...a, counters: afterHold },
      walletState('s', { category: 'system', counters: held.counters.get('s') as Counters }),
      walletState('b'),
    );
    assert.throws(() => post(withHold, [move('a', 'b', 21n)]), refusedWith('insufficient_funds'));
    const captured = post(withHold, [move('a', 's', 80n, 'release'), move('a', 's', 80n, 'posted')]);
    const final = balanceOf(captured.counters.get('a') as Counters, 0n);
    assert.deepEqual([final.posted, final.held, final.available], [20n, 0n, 20n]);
  });

  it('fees are checked together with the principal', () => {
    const a = walletState('a', { counters: funded(100n) });
    const fees = walletState('fees', { category: 'system' });
    assert.throws(() => post(states(a, walletState('b'), fees), [move('a', 'b', 96n), move('a', 'fees', 5n)]), refusedWith('insufficient_funds'));
    assert.equal(post(states(a, walletState('b'), fees), [move('a', 'b', 95n), move('a', 'fees', 5n)]).entries.length, 4);
  });

  const refusals: [string, Map<string, WalletState>, Leg[], string][] = [
    ['the same wallet on both sides', states(walletState('a', { counters: funded(10n) })), [move('a', 'a', 1n)], 'same_wallet'],
    ['two currencies', states(walletState('a', { counters: funded(10n) }), walletState('b', { currencyId: 'eur' })), [move('a', 'b', 1n)], 'currency_mismatch'],
    ['a blocked sender', states(walletState('a', { counters: funded(10n), status: 'blocked' }), walletState('b')), [move('a', 'b', 1n)], 'wallet_blocked'],
    [
      'a blocked receiver',
      states(walletState('a', { counters: funded(10n) }), walletState('b', { status: 'blocked' })),
      [move('a', 'b', 1n)],
      'wallet_blocked',
    ],
    ['a closed receiver', states(walletState('a', { counters: funded(10n) }), walletState('b', { status: 'closed' })), [move('a', 'b', 1n)], 'wallet_closed'],
    [
      'a virtual wallet paying its own parent',
      states(walletState('p', { counters: funded(10n) }), walletState('v', { parentWalletId: 'p' })),
      [move('v', 'p', 1n)],
      'same_wallet',
    ],
  ];
  for (const [label, walletStates, legs, code] of refusals) {
    it(`refuses ${label} with ${code}`, () => assert.throws(() => post(walletStates, legs), refusedWith(code)));
  }

  it('moves the parent counters for a virtual wallet and attributes the entry to the virtual wallet', () => {
    const result = post(states(walletState('p'), walletState('v', { parentWalletId: 'p' }), walletState('issuing', { category: 'system' })), [
      move('issuing', 'v', 40n),
    ]);
    assert.equal(balanceOf(result.counters.get('p') as Counters, 0n).posted, 40n);
    assert.equal(result.counters.has('v'), false);
    assert.deepEqual(
      result.entries.map((entry) => [entry.walletId, entry.balanceWalletId]),
      [
        ['issuing', 'issuing'],
        ['v', 'p'],
      ],
    );
  });

  it('releases reservations even on a blocked wallet (voids and expiry still work)', () => {
    const a = walletState('a', { status: 'blocked', counters: { ...funded(10n), debitsPending: 5n } });
    const s = walletState('s', { category: 'system', counters: { ...zeroCounters, creditsPending: 5n } });
    const result = post(states(a, s), [move('a', 's', 5n, 'release')]);
    assert.equal((result.counters.get('a') as Counters).debitsPending, 0n);
    for (const sums of imbalance(result.entries).values()) assert.deepEqual(sums, { posted: 0n, pending: 0n });
  });
});
