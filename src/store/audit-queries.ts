import type { AuditFilter, AuditRecord, FieldChange, LockableTable } from '../domain/audit.js';
import type { Queryable, Row } from './database.js';
import { big, date, json, text, textOrNull } from './rows.js';
import { type Params, single } from './sql-parts.js';

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

/** Inserts audit records in the order given, from one JSON document (the changes then need no array-literal escaping). */
export function insertAuditRecordsSql(p: Params, records: readonly Omit<AuditRecord, 'seq'>[]): string {
  const rows = records.map((r) => ({
    id: r.id,
    action: r.action,
    subject_type: r.subjectType,
    subject_id: r.subjectId,
    merchant_id: r.merchantId,
    api_key_id: r.apiKeyId,
    request_id: r.requestId,
    changes: r.changes,
    created_at: r.createdAt.toISOString(),
  }));
  return `insert into audit_log (id, action, subject_type, subject_id, merchant_id, api_key_id, request_id, changes, created_at)
   select id, action, subject_type, subject_id, merchant_id, api_key_id, request_id, changes, created_at
   from rows from (jsonb_to_recordset(${p.add(JSON.stringify(rows), 'jsonb')}) as (id uuid, action text, subject_type text, subject_id text, merchant_id text,
                                                      api_key_id uuid, request_id text, changes jsonb, created_at timestamptz))
        with ordinality as v(id, action, subject_type, subject_id, merchant_id, api_key_id, request_id, changes, created_at, n)
   order by n`;
}

export function auditQueries(db: Queryable) {
  /** Writes audit records in one statement, in the order given. */
  async function insertAuditRecords(records: readonly Omit<AuditRecord, 'seq'>[]): Promise<void> {
    if (records.length === 0) return;
    const { sql, values } = single((p) => insertAuditRecordsSql(p, records));
    await db.query(sql, values);
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
