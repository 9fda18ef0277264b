import type { Entry } from './transaction.js';

/**
 * A statement line: an entry with what a person reading a bank statement expects beside it, its
 * transaction's description and reference and the wallet on the other side of the movement.
 */
export interface StatementEntry extends Entry {
  readonly description: string | null;
  readonly reference: string | null;
  /**
   * The other wallet the movement names: a transfer's or exchange's other side, a top-up's
   * issuing account, a withdrawal's settlement account; null when the entry's wallet is neither
   * side the movement names (a fee line on the fees account, say).
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
