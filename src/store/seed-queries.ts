import type { Instrument } from '../domain/bank-identifiers.js';
import type { CompatAccount, CompatAccountFilter } from '../domain/compat-account.js';
import type { StatusHistoryEntry } from '../domain/wallet-status.js';
import type { Queryable, Row } from './database.js';
import { toInstrument } from './instrument-queries.js';
import { date, text, textOrNull } from './rows.js';

function toAccount(row: Row): CompatAccount {
  const ids = row.wallet_ids;
  return {
    token: text(row.token),
    merchantId: textOrNull(row.merchant_id),
    customerId: textOrNull(row.customer_id),
    program: text(row.program),
    mainToken: textOrNull(row.main_token),
    alias: textOrNull(row.alias),
    createdAt: date(row.created_at),
    walletIds: (typeof ids === 'string' ? (JSON.parse(ids) as string[]) : ((ids as string[] | null) ?? [])).map(String),
  };
}

const selectAccounts = `select a.*, (select coalesce(json_agg(w.wallet_id order by w.position), '[]'::json) from compat_account_wallets w where w.token = a.token) as wallet_ids
  from compat_accounts a`;

const filterClause = `($1::text is null or a.merchant_id = $1) and ($2::text is null or a.customer_id = $2) and ($3::text is null or a.program = $3)`;

/** SQL for what the seeds need beyond the core: Paynetics accounts, wallet numbers, status history. */
export function seedQueries(db: Queryable) {
  return {
    async insertCompatAccount(account: CompatAccount): Promise<void> {
      await db.query(
        'insert into compat_accounts (token, merchant_id, customer_id, program, main_token, alias, created_at) values ($1, $2, $3, $4, $5, $6, $7)',
        [account.token, account.merchantId, account.customerId, account.program, account.mainToken, account.alias, account.createdAt],
      );
      for (const [position, walletId] of account.walletIds.entries()) {
        await db.query('insert into compat_account_wallets (token, wallet_id, position) values ($1, $2, $3)', [account.token, walletId, position]);
      }
    },

    async getCompatAccount(token: string): Promise<CompatAccount | null> {
      const rows = await db.query(`${selectAccounts} where a.token = $1`, [token]);
      return rows[0] === undefined ? null : toAccount(rows[0]);
    },

    async listCompatAccounts(filter: CompatAccountFilter): Promise<CompatAccount[]> {
      const rows = await db.query(`${selectAccounts} where ${filterClause} order by a.created_at, a.token offset $4 limit $5`, [
        filter.merchantId ?? null,
        filter.customerId ?? null,
        filter.program ?? null,
        filter.offset,
        filter.limit,
      ]);
      return rows.map(toAccount);
    },

    async insertStatusHistory(entry: StatusHistoryEntry): Promise<void> {
      await db.query(
        `insert into wallet_status_history (id, wallet_id, status, previous_status, reason, description, changed_by, changed_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [entry.id, entry.walletId, entry.status, entry.previousStatus, entry.reason, entry.description, entry.changedBy, entry.changedAt],
      );
    },

    /** A wallet's status changes, newest first, after the cursor `beforeId`. */
    async listStatusHistory(walletId: string, beforeId: string | undefined, limit: number): Promise<StatusHistoryEntry[]> {
      const rows = await db.query('select * from wallet_status_history where wallet_id = $1 and ($2::uuid is null or id < $2) order by id desc limit $3', [
        walletId,
        beforeId ?? null,
        limit,
      ]);
      return rows.map((row) => ({
        id: text(row.id),
        walletId: text(row.wallet_id),
        status: text(row.status),
        previousStatus: text(row.previous_status),
        reason: textOrNull(row.reason),
        description: textOrNull(row.description),
        changedBy: textOrNull(row.changed_by),
        changedAt: date(row.changed_at),
      }));
    },

    /** The bank identifiers with this UK sort code or US routing number and account number. */
    async findInstrumentsByAccount(kind: 'uk_account' | 'us_account', code: string, accountNumber: string): Promise<Instrument[]> {
      const column = kind === 'uk_account' ? 'sort_code' : 'routing_number';
      const rows = await db.query(`select * from instruments where kind = $1 and ${column} = $2 and account_number = $3`, [kind, code, accountNumber]);
      return rows.map(toInstrument);
    },

    /** The id of the wallet with this serial (wallet number), or null. */
    async findWalletIdBySerial(serial: string): Promise<string | null> {
      const rows = await db.query('select id from wallets where serial = $1', [serial]);
      return textOrNull(rows[0]?.id);
    },

    async countCompatAccounts(filter: Omit<CompatAccountFilter, 'offset' | 'limit'>): Promise<number> {
      const rows = await db.query(`select count(*)::text as n from compat_accounts a where ${filterClause}`, [
        filter.merchantId ?? null,
        filter.customerId ?? null,
        filter.program ?? null,
      ]);
      return Number(rows[0]?.n ?? 0);
    },
  };
}
