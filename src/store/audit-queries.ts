import type { AuditRecord, FieldChange } from '../domain/audit.js';
import type { Queryable, Row } from './database.js';
import { big, date, json, text, textOrNull } from './rows.js';

function toAuditRecord(row: Row): AuditRecord {
  return {
    id: text(row.id),
    seq: big(row.seq),
    action: text(row.action),
    subjectType: text(row.subject_type),
    subjectId: text(row.subject_id),
    merchantId: textOrNull(row.merchant_id),
    apiKeyId: textOrNull(row.api_key_id),
    requestId: textOrNull(row.request_id),
    changes: json<Record<string, FieldChange>>(row.changes),
    createdAt: date(row.created_at),
  };
}

export interface AuditFilter {
  readonly merchantId: string | null;
  readonly subjectId: string | null;
  readonly beforeSeq: bigint | null;
  readonly limit: number;
}

/** Tables whose rows a change may lock before reading their "before" state. */
export type LockableTable = 'currencies' | 'wallets' | 'api_keys' | 'webhook_endpoints';

export function auditQueries(db: Queryable) {
  /** Writes audit records in one statement, in the order given. */
  async function insertAuditRecords(records: readonly Omit<AuditRecord, 'seq'>[]): Promise<void> {
    if (records.length === 0) return;
    const column = <T>(read: (record: Omit<AuditRecord, 'seq'>) => T) => records.map(read);
    await db.query(
      `insert into audit_log (id, action, subject_type, subject_id, merchant_id, api_key_id, request_id, changes, created_at)
       select id, action, subject_type, subject_id, merchant_id, api_key_id, request_id, changes, created_at
       from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::jsonb[], $9::timestamptz[])
            with ordinality as v(id, action, subject_type, subject_id, merchant_id, api_key_id, request_id, changes, created_at, n)
       order by n`,
      [
        column((r) => r.id), column((r) => r.action), column((r) => r.subjectType), column((r) => r.subjectId), column((r) => r.merchantId),
        column((r) => r.apiKeyId), column((r) => r.requestId), column((r) => JSON.stringify(r.changes)), column((r) => r.createdAt.toISOString()),
      ],
    );
  }

  return {
    async insertAuditRecord(record: Omit<AuditRecord, 'seq'>): Promise<void> {
      await insertAuditRecords([record]);
    },

    insertAuditRecords,

    async listAuditRecords(filter: AuditFilter): Promise<AuditRecord[]> {
      const rows = await db.query(
        `select * from audit_log
         where ($1::text is null or merchant_id = $1) and ($2::text is null or subject_id = $2) and ($3::bigint is null or seq < $3)
         order by seq desc limit $4`,
        [filter.merchantId, filter.subjectId, filter.beforeSeq?.toString() ?? null, filter.limit],
      );
      return rows.map(toAuditRecord);
    },

    /** Locks one row (for update) so the "before" state read next cannot change under the caller. */
    async lockRow(table: LockableTable, id: string): Promise<boolean> {
      const rows = await db.query(`select 1 from ${table} where id = $1 for update`, [id]);
      return rows.length > 0;
    },
  };
}
