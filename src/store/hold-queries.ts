import type { Reservation, ReservationFilter } from '../domain/reservation.js';
import type { Queryable, Row } from './database.js';
import { big, bigOrNull, dateOrNull, text } from './rows.js';
import { toTransaction } from './transaction-queries.js';

export function toReservation(row: Row): Reservation & { readonly seq: bigint } {
  return {
    ...toTransaction(row),
    expiresAt: dateOrNull(row.expires_at),
    resolvedAt: dateOrNull(row.resolved_at),
    capturedAmount: bigOrNull(row.captured_amount),
    seq: big(row.seq),
  };
}

/** SQL for holds and pending credits: the columns migration 002 added to transactions. */
export function holdQueries(db: Queryable) {
  return {
    async getReservation(id: string): Promise<Reservation | null> {
      const rows = await db.query('select * from transactions where id = $1', [id]);
      return rows[0] === undefined ? null : toReservation(rows[0]);
    },

    async listReservations(filter: ReservationFilter): Promise<(Reservation & { readonly seq: bigint })[]> {
      const rows = await db.query(
        `select * from transactions
         where kind = $1 and ($2::text is null or merchant_id = $2)
           and ($3::uuid is null or from_wallet_id = $3 or to_wallet_id = $3)
           and ($4::text is null or status = $4) and ($5::bigint is null or seq < $5)
         order by seq desc limit $6`,
        [filter.kind, filter.merchantId ?? null, filter.walletId ?? null, filter.status ?? null, filter.beforeSeq?.toString() ?? null, filter.limit],
      );
      return rows.map(toReservation);
    },

    /**
     * Locks up to `limit` holds due at `now` and not locked by anyone else (a capture, a void, or
     * another process's expiry run): each due hold is resolved by exactly one of them.
     */
    /** Holds due to expire at `now`, the longest due first (read without locks: the expiry locks each, and skips one resolved meanwhile). */
    async dueHolds(now: Date, limit: number): Promise<Reservation[]> {
      const rows = await db.query(
        `select * from transactions where kind = 'hold' and status = 'pending' and expires_at <= $1
         order by expires_at, id limit $2`,
        [now, limit],
      );
      return rows.map(toReservation);
    },

    /** How many holds and pending credits that name this wallet are still open. */
    async openReservationCount(walletId: string): Promise<number> {
      const rows = await db.query(
        `select count(*)::int as n from transactions
         where status = 'pending' and kind in ('hold', 'pending_credit', 'withdrawal') and (from_wallet_id = $1 or to_wallet_id = $1)`,
        [walletId],
      );
      return Number(text(String(rows[0]?.n ?? '0')));
    },
  };
}
