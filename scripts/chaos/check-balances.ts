/**
 * Every client wallet's balance as the API shows it, against a model built from the clients'
 * record alone: the acknowledged top-ups, transfers, exchanges (at the acknowledged target
 * amount) and captures move `posted`; acknowledged holds that no acknowledged capture or void
 * resolved, and that did not expire, are `held` on their wallet and `pending` on a client
 * target. No wallet may be below −creditLimit.
 */
import type { Json } from './http.js';
import type { Ledger } from './ledger.js';
import { acknowledgedResolutions } from './check-holds.js';
import type { Operation } from './record.js';
import type { Violations } from './violations.js';

export interface ModelBalance {
  posted: bigint;
  held: bigint;
  pending: bigint;
}

const feeTotal = (body: Json): bigint => ((body.fees as { amount: string }[] | undefined) ?? []).reduce((sum, fee) => sum + BigInt(fee.amount), 0n);

/** The balances of the client wallets by the clients' record (and the ledger's word on expiry only). */
export function modelBalances(walletIds: readonly string[], operations: readonly Operation[], ledger: Ledger): Map<string, ModelBalance> {
  const model = new Map(walletIds.map((id) => [id, { posted: 0n, held: 0n, pending: 0n }]));
  const move = (id: unknown, field: keyof ModelBalance, amount: bigint) => {
    const balance = model.get(String(id));
    if (balance !== undefined) balance[field] += amount;
  };
  const resolutions = acknowledgedResolutions(operations);
  const expired = new Set(ledger.transactions.filter((transaction) => transaction.kind === 'hold' && transaction.status === 'expired').map((hold) => hold.id));
  const holds = new Map(
    operations.filter((operation) => operation.kind === 'hold' && operation.outcome === 'ok').map((operation) => [operation.acknowledgement?.id, operation]),
  );
  for (const operation of operations) {
    if (operation.outcome !== 'ok') continue;
    const body = operation.body;
    const amount = body.amount === undefined ? 0n : BigInt(String(body.amount));
    if (operation.kind === 'topup') move(body.walletId, 'posted', amount);
    if (operation.kind === 'transfer') {
      move(body.fromWalletId, 'posted', -amount - feeTotal(body));
      move(body.toWalletId, 'posted', amount);
    }
    if (operation.kind === 'exchange') {
      move(body.fromWalletId, 'posted', -amount - feeTotal(body));
      move(body.toWalletId, 'posted', BigInt(operation.acknowledgement?.targetAmount ?? '0'));
    }
    if (operation.kind === 'hold' && !resolutions.has(operation.acknowledgement?.id ?? '') && !expired.has(operation.acknowledgement?.id ?? '')) {
      move(body.walletId, 'held', amount);
      move(body.toWalletId, 'pending', amount);
    }
    if (operation.kind === 'capture') {
      const hold = holds.get(operation.holdId ?? '');
      const captured = BigInt(operation.acknowledgement?.capturedAmount ?? '0');
      move(hold?.body.walletId, 'posted', -captured);
      move(hold?.body.toWalletId, 'posted', captured);
    }
  }
  return model;
}

export interface ShownBalance {
  readonly posted: string;
  readonly held: string;
  readonly pending: string;
  readonly available: string;
  readonly creditLimit: string;
}

export function checkBalances(shown: ReadonlyMap<string, ShownBalance>, model: ReadonlyMap<string, ModelBalance>, violations: Violations): void {
  for (const [id, expected] of model) {
    const balance = shown.get(id);
    if (balance === undefined) {
      violations.add('model', `wallet ${id} could not be read`);
      continue;
    }
    for (const field of ['posted', 'held', 'pending'] as const) {
      if (BigInt(balance[field]) !== expected[field])
        violations.add('model', `wallet ${id}: ${field} ${balance[field]}, the clients' record gives ${expected[field]}`);
    }
    if (BigInt(balance.available) < -BigInt(balance.creditLimit))
      violations.add('overdrawn', `wallet ${id}: available ${balance.available} is below −creditLimit ${balance.creditLimit}`);
  }
}
