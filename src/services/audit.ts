import type { Actor } from '../domain/api-key.js';
import type { AuditRecord, FieldChange, NewAuditRecord } from '../domain/audit.js';
import type { TxStore } from '../domain/store-port.js';
import type { ServiceContext } from './context.js';
import { newId } from './ids.js';
import { decodeCursor, type Page, pageSize, sequencePattern, toPage, uuidPattern } from './pagination.js';

/**
 * Writes an audit record in the caller's database transaction: the record exists if and only
 * if the change commits. `actor` is null for the system's own jobs (expiry, bootstrap).
 */
export async function recordAudit(tx: TxStore, actor: Actor | null, record: NewAuditRecord, now: Date): Promise<void> {
  await tx.insertAuditRecord(auditRow(actor, record, now));
}

/** An audit record as written: the record, who made it, from which request, and when. */
export function auditRow(actor: Actor | null, record: NewAuditRecord, now: Date): Omit<AuditRecord, 'seq'> {
  return {
    ...record,
    id: newId(now.getTime()),
    apiKeyId: actor !== null && uuidPattern.test(actor.apiKeyId) ? actor.apiKeyId : null,
    requestId: actor?.requestId ?? null,
    createdAt: now,
  };
}

/** What differs between two versions of an object, among `fields`; amounts (bigint) become strings. */
export function changesOf<T extends object>(before: T | null, after: T | null, fields: readonly (keyof T & string)[]): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const field of fields) {
    const was = jsonValue(before?.[field]);
    const is = jsonValue(after?.[field]);
    if (JSON.stringify(was) !== JSON.stringify(is)) changes[field] = { before: was, after: is };
  }
  return changes;
}

function jsonValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return value;
}

export interface AuditListQuery {
  readonly subjectId?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

/** The audit log, newest first; a merchant key reads only its merchant's records. */
export async function listAuditLog(ctx: ServiceContext, actor: Actor, query: AuditListQuery): Promise<Page<AuditRecord>> {
  const limit = pageSize(query.limit);
  const before = decodeCursor(query.cursor, sequencePattern);
  const rows = await ctx.store.read.listAuditRecords({
    merchantId: actor.role === 'admin' ? null : (actor.merchantId ?? ''),
    // Subjects are ids, stored lower-case: an id typed in upper case finds them too.
    subjectId: query.subjectId === undefined ? null : uuidPattern.test(query.subjectId.toLowerCase()) ? query.subjectId.toLowerCase() : query.subjectId,
    beforeSeq: before === undefined ? null : BigInt(before),
    limit: limit + 1,
  });
  return toPage(rows, limit, (row) => row.seq.toString());
}
