import type { Entry } from './transaction.js';

/**
 * A statement line: an entry with what a person reading a bank statement expects beside it, its
 * transaction's description and reference and the wallet on the other side of the movement.
 */
export interface StatementEntry extends Entry {
  readonly description: string | null;
  readonly reference: string | null;
  /**
   * The other wallet the movement names (a transfer's or exchange's other side; a hold's or
   * pending credit's counterparty), or null when the other side is a system account the movement
   * does not name (a top-up from issuing, a withdrawal to settlement).
   */
  readonly counterpartyWalletId: string | null;
  readonly counterpartyWalletSerial: string | null;
  /** The counterparty wallet's merchant: who may see its serial (never shown itself). */
  readonly counterpartyMerchantId: string | null;
}

/** A statement's date range: `from` inclusive, `to` exclusive, either open. */
export interface StatementRange {
  readonly from: Date | null;
  readonly to: Date | null;
}
