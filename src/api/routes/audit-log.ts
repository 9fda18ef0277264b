import { Type } from 'typebox';
import type { AuditRecord } from '../../domain/audit.js';
import { limits } from '../../domain/limits.js';
import { listAuditLog } from '../../services/audit.js';
import type { RuntimeContext } from '../../services/runtime.js';
import type { TypedApp } from '../typed-app.js';
import { errorResponses, Nullable, Page, PageQuery, Timestamp, Uuid } from '../schemas/common.js';

const AuditEntry = Type.Object({
  id: Uuid,
  action: Type.String({ description: '<subject>.<verb>, e.g. currency.updated' }),
  subjectType: Type.String(),
  subjectId: Type.String(),
  merchantId: Nullable(Type.String()),
  apiKeyId: Nullable(Uuid),
  requestId: Nullable(Type.String()),
  changes: Type.Record(Type.String(), Type.Object({ before: Type.Unknown(), after: Type.Unknown() })),
  createdAt: Timestamp,
});

const AuditQuery = Type.Object(
  { subjectId: Type.Optional(Type.String({ maxLength: limits.auditSubjectIdLengthMax })), ...PageQuery },
  { additionalProperties: false },
);

function presentAuditRecord(record: AuditRecord) {
  const { seq: _seq, ...rest } = record;
  return { ...rest, createdAt: record.createdAt.toISOString() };
}

export function auditLogRoutes(app: TypedApp, context: RuntimeContext): void {
  app.get(
    '/v1/audit-log',
    {
      schema: {
        tags: ['audit'],
        summary: 'Every change, newest first: who (key), from which request, when, before and after',
        querystring: AuditQuery,
        response: { 200: Page(AuditEntry), ...errorResponses },
      },
    },
    async (request) => {
      const page = await listAuditLog(context, request.actor, request.query);
      return { data: page.data.map(presentAuditRecord), nextCursor: page.nextCursor };
    },
  );
}
