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
  return {
    async insertAuditRecord(record: Omit<AuditRecord, 'seq'>): Promise<void> {
      await db.query(
        `insert into audit_log (id, action, subject_type, subject_id, merchant_id, api_key_id, request_id, changes, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          record.id, record.action, record.subjectType, record.subjectId, record.merchantId,
          record.apiKeyId, record.requestId, JSON.stringify(record.changes), record.createdAt,
        ],
      );
    },

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
