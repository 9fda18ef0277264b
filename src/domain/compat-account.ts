/** A Paynetics-style account: a customer's wallets in one program, one per currency. */
export interface CompatAccount {
  readonly token: string;
  readonly merchantId: string | null;
  readonly customerId: string | null;
  readonly program: string;
  /** The primary account of a virtual account; null for a primary one. */
  readonly mainToken: string | null;
  readonly alias: string | null;
  readonly createdAt: Date;
  /** The account's wallets (its balances), in creation order. */
  readonly walletIds: readonly string[];
}

export interface CompatAccountFilter {
  readonly merchantId?: string;
  readonly customerId?: string;
  readonly program?: string;
  readonly offset: number;
  readonly limit: number;
}
