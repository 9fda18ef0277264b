/**
 * Each hold's final state against what the clients were told: at most one capture or void of a
 * hold acknowledged; an acknowledged capture left it `posted` with exactly the acknowledged
 * amount (at most the held amount), an acknowledged void left it `voided` with no capture; a
 * hold nobody resolved is still `pending`, or `expired` if it asked for an early expiry; a
 * capture or void refused as `hold_not_pending` met a hold that really was resolved.
 */
import type { Ledger, TransactionRow } from './ledger.js';
import type { Operation } from './record.js';
import type { Violations } from './violations.js';

/** The acknowledged resolution of each hold, by hold id (the checks below report doubles). */
export function acknowledgedResolutions(operations: readonly Operation[]): Map<string, Operation[]> {
  const byHold = new Map<string, Operation[]>();
  for (const operation of operations) {
    if ((operation.kind !== 'capture' && operation.kind !== 'void') || operation.outcome !== 'ok' || operation.holdId === null) continue;
    byHold.set(operation.holdId, [...(byHold.get(operation.holdId) ?? []), operation]);
  }
  return byHold;
}

function checkHold(hold: TransactionRow, request: Operation | undefined, resolutions: readonly Operation[], violations: Violations): void {
  const where = `hold ${hold.id}`;
  if (hold.capturedAmount !== null && (hold.capturedAmount <= 0n || hold.capturedAmount > hold.amount))
    violations.add('hold', `${where}: captured ${hold.capturedAmount} of ${hold.amount}`);
  if ((hold.status === 'posted') !== (hold.capturedAmount !== null))
    violations.add('hold', `${where}: status ${hold.status} with captured amount ${hold.capturedAmount}`);
  if (resolutions.length > 1)
    violations.add('hold', `${where}: ${resolutions.length} resolutions acknowledged (${resolutions.map((operation) => operation.kind).join(', ')})`);
  const resolution = resolutions[0];
  if (resolution === undefined) {
    const mayExpire = request?.body.expiresAt !== undefined;
    if (hold.status === 'posted' || hold.status === 'voided' || (hold.status === 'expired' && !mayExpire)) {
      violations.add('hold', `${where} is ${hold.status}, but no capture or void of it was acknowledged`);
    }
    return;
  }
  if (resolution.kind === 'void' && hold.status !== 'voided')
    violations.add('hold', `${where}: a void was acknowledged (${resolution.key}) but it is ${hold.status}`);
  if (resolution.kind === 'capture') {
    const asked = resolution.body.amount === undefined ? hold.amount.toString() : String(resolution.body.amount);
    const told = resolution.acknowledgement?.capturedAmount;
    if (hold.status !== 'posted' || hold.capturedAmount?.toString() !== told || told !== asked) {
      violations.add('hold', `${where}: capture ${resolution.key} of ${asked} was acknowledged as ${told}, stored ${hold.status} ${hold.capturedAmount}`);
    }
  }
}

export function checkHolds(operations: readonly Operation[], ledger: Ledger, violations: Violations): void {
  const requests = new Map(operations.filter((operation) => operation.kind === 'hold').map((operation) => [operation.key, operation]));
  const resolutions = acknowledgedResolutions(operations);
  const holds = new Map(ledger.transactions.filter((transaction) => transaction.kind === 'hold').map((hold) => [hold.id, hold]));
  for (const hold of holds.values()) checkHold(hold, requests.get(hold.reference ?? ''), resolutions.get(hold.id) ?? [], violations);
  for (const operation of operations) {
    if ((operation.kind !== 'capture' && operation.kind !== 'void') || operation.holdId === null) continue;
    const hold = holds.get(operation.holdId);
    if (hold === undefined) {
      violations.add('hold', `${operation.kind} ${operation.key} targets hold ${operation.holdId}, which is not in the ledger`);
      continue;
    }
    if (operation.refusal === 'hold_not_pending' && hold.status === 'pending' && requests.get(hold.reference ?? '')?.body.expiresAt === undefined) {
      violations.add('hold', `${operation.kind} ${operation.key} was refused as hold_not_pending, but hold ${hold.id} is still pending`);
    }
  }
}
