import type { StatementEntry, StatementRange } from '../domain/statement.js';
import type { Queryable } from './database.js';
import { textOrNull } from './rows.js';
import { toEntry } from './transaction-queries.js';

export function statementQueries(db: Queryable) {
  return {
    /**
     * A wallet's statement lines, newest first (see `listEntries`), with their transaction's
     * description and reference and the counterparty wallet, within a date range. One index range
     * of the wallet's entries is read newest first; the range only filters it.
     */
    async listStatementEntries(walletId: string, virtual: boolean, beforeId: bigint | null, limit: number, range: StatementRange): Promise<StatementEntry[]> {
      const column = virtual ? 'wallet_id' : 'balance_wallet_id';
      const rows = await db.query(
        `select e.*, t.kind, t.description, t.reference, c.id as counterparty_wallet_id, c.serial as counterparty_wallet_serial,
                c.merchant_id as counterparty_merchant_id
         from entries e join transactions t on t.id = e.transaction_id
         left join wallets c on c.id = case when e.wallet_id = t.from_wallet_id then t.to_wallet_id
                                            when e.wallet_id = t.to_wallet_id then t.from_wallet_id end
         where e.${column} = $1 and ($2::bigint is null or e.id < $2) and not e.pending
           and ($4::timestamptz is null or e.created_at >= $4) and ($5::timestamptz is null or e.created_at < $5)
         order by e.id desc limit $3`,
        [walletId, beforeId?.toString() ?? null, limit, range.from, range.to],
      );
      return rows.map((row) => ({
        ...toEntry(row),
        description: textOrNull(row.description),
        reference: textOrNull(row.reference),
        counterpartyWalletId: textOrNull(row.counterparty_wallet_id),
        counterpartyWalletSerial: textOrNull(row.counterparty_wallet_serial),
        counterpartyMerchantId: textOrNull(row.counterparty_merchant_id),
      }));
    },

    /** How many lines the statement has in the date range, whatever the cursor. */
    async countStatementEntries(walletId: string, virtual: boolean, range: StatementRange): Promise<number> {
      const column = virtual ? 'wallet_id' : 'balance_wallet_id';
      const rows = await db.query(
        `select count(*)::text as total from entries e
         where e.${column} = $1 and not e.pending
           and ($2::timestamptz is null or e.created_at >= $2) and ($3::timestamptz is null or e.created_at < $3)`,
        [walletId, range.from, range.to],
      );
      return Number(rows[0]?.total ?? 0);
    },
  };
}
