/** One changed field: what it was and what it became (null when it did not exist). */
export interface FieldChange {
  readonly before: unknown;
  readonly after: unknown;
}

/** An audit record to write: who did what to which object, from which request. */
export interface NewAuditRecord {
  /** `<subject>.<verb>`, e.g. `currency.updated`, `api_key.revoked`. */
  readonly action: string;
  readonly subjectType: string;
  readonly subjectId: string;
  /** The merchant whose keys may read the record; null for admin-only records. */
  readonly merchantId: string | null;
  readonly changes: Readonly<Record<string, FieldChange>>;
}

export interface AuditRecord extends NewAuditRecord {
  readonly id: string;
  readonly seq: bigint;
  readonly apiKeyId: string | null;
  readonly requestId: string | null;
  readonly createdAt: Date;
}

export interface AuditFilter {
  readonly merchantId: string | null;
  readonly subjectId: string | null;
  readonly beforeSeq: bigint | null;
  readonly limit: number;
}

/** Tables whose rows a change may lock before reading their "before" state. */
export type LockableTable = 'currencies' | 'wallets' | 'api_keys' | 'webhook_endpoints';
