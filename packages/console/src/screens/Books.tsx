import { useState } from 'react';
import { currencyLabel, ErrorBox, major, useLoad, useSession } from '../lib.js';
import type { VerifyReport } from '../sdk.js';

export function Books() {
  const { api, currencies } = useSession();
  const trial = useLoad(() => api.reports.trialBalance(), []);
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [ms, setMs] = useState(0);
  return (
    <section aria-labelledby="books-title">
      <h1 id="books-title">Books</h1>
      <h2>Trial balance</h2>
      <ErrorBox error={trial.error} />
      {(trial.data?.data ?? []).map((row) => {
        const c = currencies.find((x) => x.id === row.currencyId);
        return (
          <div className="card" key={row.currencyId} data-testid="trial-currency">
            <h3>
              {currencyLabel(c, row.currencyId)}{' '}
              <span className={row.balanced && row.posted === '0' && row.pending === '0' ? 'badge ok' : 'badge blocked'} data-testid="zero-check">
                {row.balanced && row.posted === '0' && row.pending === '0'
                  ? 'Sums to zero'
                  : `Does not sum to zero: posted ${row.posted}, pending ${row.pending}`}
              </span>
            </h3>
            <div className="scroll">
              <table>
                <thead>
                  <tr>
                    <th>Category</th>
                    <th>Type</th>
                    <th className="num">Wallets</th>
                    <th className="num">Posted</th>
                    <th className="num">Pending</th>
                  </tr>
                </thead>
                <tbody>
                  {row.lines.map((l) => (
                    <tr key={`${l.category}/${l.type}`}>
                      <td>{l.category}</td>
                      <td>{l.type}</td>
                      <td className="num">{l.wallets}</td>
                      <td className="num">{major(l.posted, c)}</td>
                      <td className="num">{major(l.pending, c)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th colSpan={3}>Total</th>
                    <td className="num">{major(row.posted, c)}</td>
                    <td className="num">{major(row.pending, c)}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
          </div>
        );
      })}
      {trial.data?.data.length === 0 && <p>No currencies yet.</p>}
      <h2>Journal verify</h2>
      <p className="hint">Recomputes every balance from its entries and checks the journal's hash chain.</p>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          const started = performance.now();
          api.verify
            .run()
            .then((r) => {
              setReport(r);
              setMs(Math.round(performance.now() - started));
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        {busy ? 'Verifying…' : 'Verify the journal'}
      </button>
      <ErrorBox error={error} />
      {report && (
        <div className="card" data-testid="verify-report">
          <p>
            <span className={report.ok ? 'badge ok' : 'badge blocked'}>{report.ok ? 'OK' : 'Discrepancy found'}</span> {report.walletsChecked} wallets,{' '}
            {report.journal.links} journal links checked in {ms} ms.
          </p>
          {report.firstDiscrepancy && <p className="error">{report.firstDiscrepancy}</p>}
          {report.journal.firstBrokenLink && (
            <p className="error">
              First broken link {report.journal.firstBrokenLink.seq ?? ''}: {report.journal.firstBrokenLink.reason}
              {report.journal.firstBrokenLink.transactionId ? ` (transaction ${report.journal.firstBrokenLink.transactionId})` : ''}
            </p>
          )}
          <p>
            Digest <code data-testid="digest">{report.journal.head}</code>
          </p>
        </div>
      )}
    </section>
  );
}
