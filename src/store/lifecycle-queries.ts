import type { Wallet } from '../domain/wallet.js';
import type { StatusChange } from '../domain/wallet-status.js';
import type { Queryable, Row } from './database.js';
import { toWallet } from './wallet-queries.js';

/** SQL for wallet statuses and what a status change does to the wallet's instruments and cards. */
export function lifecycleQueries(db: Queryable) {
  return {
    async setWalletStatus(id: string, change: StatusChange, now: Date): Promise<Wallet> {
      const rows = await db.query(
        `update wallets set status = $2, status_reason = $3, status_description = $4, status_changed_by = $5, status_changed_at = $6, updated_at = $6
         where id = $1 returning *`,
        [id, change.status, change.reason, change.description, change.changedBy, now],
      );
      return toWallet(rows[0] as Row);
    },

    async getWalletsByIds(ids: readonly string[]): Promise<Wallet[]> {
      if (ids.length === 0) return [];
      const rows = await db.query('select * from wallets where id = any($1::uuid[])', [[...new Set(ids)]]);
      return rows.map(toWallet);
    },

    async openVirtualWalletCount(parentWalletId: string): Promise<number> {
      const rows = await db.query(`select count(*)::int as n from wallets where parent_wallet_id = $1 and status <> 'closed'`, [parentWalletId]);
      return Number(rows[0]?.n ?? 0);
    },

    /** Closing a wallet deactivates its bank identifiers and destroys its cards. */
    async retireWalletInstruments(walletId: string, now: Date): Promise<void> {
      await db.query('update instruments set active = false, deactivated_at = $2 where wallet_id = $1 and active', [walletId, now]);
      await db.query('update cards set active = false, destroyed_at = $2, updated_at = $2 where wallet_id = $1 and destroyed_at is null', [walletId, now]);
    },
  };
}
