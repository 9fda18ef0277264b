import { Type } from 'typebox';
import type { RuntimeContext } from '../../services/runtime.js';
import { requireAdmin } from '../../services/access.js';
import { trialBalance } from '../../services/ledger-reads.js';
import type { TypedApp } from '../typed-app.js';
import { readContext } from '../read-routing.js';
import { AmountOutput, errorResponses, Uuid } from '../schemas/common.js';

const TrialBalance = Type.Object({
  data: Type.Array(
    Type.Object({
      currencyId: Uuid,
      currencyCode: Type.String({ description: "The currency's code, beside its id (codes are not unique)." }),
      posted: AmountOutput,
      pending: AmountOutput,
      balanced: Type.Boolean(),
      lines: Type.Array(Type.Object({ category: Type.String(), type: Type.String(), wallets: Type.Integer(), posted: AmountOutput, pending: AmountOutput })),
    }),
  ),
});

export function reportRoutes(app: TypedApp, context: RuntimeContext): void {
  app.get(
    '/v1/reports/trial-balance',
    {
      schema: {
        tags: ['reports'],
        summary: 'Per currency: totals by account type, which sum to zero (admin)',
        response: { 200: TrialBalance, ...errorResponses },
      },
    },
    async (request) => {
      requireAdmin(request.actor);
      const currencies = await trialBalance(await readContext(context, request));
      return {
        data: currencies.map((currency) => ({
          currencyId: currency.currencyId,
          currencyCode: currency.currencyCode,
          posted: currency.posted.toString(),
          pending: currency.pending.toString(),
          balanced: currency.balanced,
          lines: currency.lines.map((line) => ({ ...line, posted: line.posted.toString(), pending: line.pending.toString() })),
        })),
      };
    },
  );
}
