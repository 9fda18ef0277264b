import type { Queryable, Row } from './database.js';

/** Sweeps that recompute what the posting path maintains incrementally. */
export function verifyQueries(db: Queryable) {
  return {
    /**
     * Makes the current database transaction a read-only snapshot (repeatable read): everything
     * it reads afterwards is one consistent state, even while writers commit. The first statement
     * of the database transaction only.
     */
    async readOnlySnapshot(): Promise<void> {
      await db.query('set transaction isolation level repeatable read, read only');
    },

    /** Wallets whose stored counters differ from the sums of their entries (at most `limit`). */
    async counterDiscrepancies(limit: number): Promise<Row[]> {
      return db.query(
        `with sums as (
           select balance_wallet_id as id,
                  sum(case when not pending and direction = 'debit' then amount else 0 end) as dp,
                  sum(case when not pending and direction = 'credit' then amount else 0 end) as cp,
                  sum(case when pending and direction = 'debit' then amount else 0 end) as dn,
                  sum(case when pending and direction = 'credit' then amount else 0 end) as cn
           from entries group by balance_wallet_id)
         select w.id, w.debits_posted::text as stored_debits_posted, coalesce(s.dp, 0)::text as entries_debits_posted,
                w.credits_posted::text as stored_credits_posted, coalesce(s.cp, 0)::text as entries_credits_posted,
                w.debits_pending::text as stored_debits_pending, coalesce(s.dn, 0)::text as entries_debits_pending,
                w.credits_pending::text as stored_credits_pending, coalesce(s.cn, 0)::text as entries_credits_pending
         from wallets w left join sums s on s.id = w.id
         where w.debits_posted <> coalesce(s.dp, 0) or w.credits_posted <> coalesce(s.cp, 0)
            or w.debits_pending <> coalesce(s.dn, 0) or w.credits_pending <> coalesce(s.cn, 0)
         order by w.id limit $1`,
        [limit],
      );
    },

    /** Transactions whose entries do not balance in some currency (posted or pending). */
    async unbalancedTransactions(limit: number): Promise<Row[]> {
      return db.query(
        `select transaction_id, currency_id,
                sum(case when not pending then (case when direction = 'credit' then amount else -amount end) else 0 end)::text as posted,
                sum(case when pending then (case when direction = 'credit' then amount else -amount end) else 0 end)::text as pending
         from entries group by transaction_id, currency_id
         having sum(case when not pending then (case when direction = 'credit' then amount else -amount end) else 0 end) <> 0
             or sum(case when pending then (case when direction = 'credit' then amount else -amount end) else 0 end) <> 0
         order by transaction_id limit $1`,
        [limit],
      );
    },

    /** Per currency, the sum of credits − debits over all balance-holding wallets (must be zero). */
    async currencyTotals(): Promise<Row[]> {
      return db.query(
        `select currency_id, sum(credits_posted - debits_posted)::text as posted, sum(credits_pending - debits_pending)::text as pending
         from wallets where parent_wallet_id is null group by currency_id order by currency_id`,
      );
    },

    /** Client wallets below their credit limit (available < −creditLimit). */
    async overdrawnWallets(limit: number): Promise<Row[]> {
      return db.query(
        `select id, (credits_posted - debits_posted - debits_pending)::text as available, credit_limit::text as credit_limit
         from wallets where category = 'client' and parent_wallet_id is null
           and credits_posted - debits_posted - debits_pending < -credit_limit
         order by id limit $1`,
        [limit],
      );
    },
  };
}
