import { Type } from 'typebox';
import { CofferError } from '../../domain/errors.js';
import type { RuntimeContext } from '../../services/runtime.js';
import { requireAdmin } from '../../services/access.js';
import { formatDigest, parseDigest } from '../../services/journal-verify.js';
import { verifyLedger } from '../../services/verify.js';
import type { TypedApp } from '../typed-app.js';
import { errorResponses, Nullable } from '../schemas/common.js';

const Digest = Type.String({ pattern: '^[0-9]{1,19}:[0-9a-f]{64}$', description: 'A journal head as SEQ:HASH (64 lower-case hex digits).' });

const VerifyQuery = Type.Object(
  { against: Type.Optional({ ...Digest, description: 'A digest saved earlier: a journal shorter than it, or another hash at its link, is reported.' }) },
  { additionalProperties: false },
);

const VerifyReport = Type.Object({
  ok: Type.Boolean(),
  walletsChecked: Type.Integer(),
  firstDiscrepancy: Nullable(Type.String()),
  journal: Type.Object({
    links: Type.Integer(),
    head: Digest,
    firstBrokenLink: Nullable(Type.Object({ seq: Nullable(Type.String()), transactionId: Nullable(Type.String()), reason: Type.String() })),
  }),
});

/** `GET /v1/reports/verify`: what `coffer verify` checks, for admins. */
export function verifyRoutes(app: TypedApp, context: RuntimeContext): void {
  app.get(
    '/v1/reports/verify',
    {
      schema: {
        tags: ['reports'],
        summary: 'Recompute every balance and the journal hash chain; name the first discrepancy (admin)',
        querystring: VerifyQuery,
        response: { 200: VerifyReport, ...errorResponses },
      },
    },
    async (request) => {
      requireAdmin(request.actor);
      const against = request.query.against === undefined ? undefined : parseDigest(request.query.against);
      if (against === null) throw new CofferError('validation_failed', 'against must be SEQ:HASH as printed by `coffer verify --digest`.');
      const report = await verifyLedger(context.store, against);
      const broken = report.journal.firstBroken;
      return {
        ok: report.ok,
        walletsChecked: report.walletsChecked,
        firstDiscrepancy: report.firstDiscrepancy,
        journal: {
          links: report.journal.links,
          head: formatDigest(report.journal.head),
          firstBrokenLink: broken === null ? null : { seq: broken.seq?.toString() ?? null, transactionId: broken.transactionId, reason: broken.reason },
        },
      };
    },
  );
}
