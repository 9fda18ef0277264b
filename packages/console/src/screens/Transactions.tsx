import { useState } from 'react';
import { currencyLabel, ErrorBox, Field, Link, major, MoreButton, short, useCurrency, useLoad, usePaged, useSession, when } from '../lib.js';
import type { Transaction } from '../sdk.js';

const txKinds = ['topup', 'withdrawal', 'transfer', 'adjustment', 'reversal', 'exchange', 'hold', 'pending_credit'];
const txStatuses = ['pending', 'posted', 'voided', 'expired', 'failed'];

function Row(props: { t: Transaction }) {
  const t = props.t;
  const c = useCurrency(t.currencyId);
  return (
    <tr>
      <td>
        <Link to={`transactions/${t.id}`}>{short(t.id)}</Link>
      </td>
      <td>{when(t.createdAt)}</td>
      <td>{t.kind}</td>
      <td>{t.status}</td>
      <td className="num">
        {major(t.amount, c)} {c?.code ?? ''}
      </td>
      <td>{t.fromWalletId ? <Link to={`wallets/${t.fromWalletId}`}>{short(t.fromWalletId)}</Link> : ''}</td>
      <td>{t.toWalletId ? <Link to={`wallets/${t.toWalletId}`}>{short(t.toWalletId)}</Link> : ''}</td>
      <td>{t.description ?? ''}</td>
    </tr>
  );
}

export function Transactions() {
  const { api } = useSession();
  const [draft, setDraft] = useState({ walletId: '', kind: '', status: '' });
  const [filters, setFilters] = useState(draft);
  const paged = usePaged(
    (cursor) => {
      const q: Record<string, string> = { limit: '25' };
      for (const [k, v] of Object.entries(filters)) if (v.trim()) q[k] = v.trim();
      if (cursor) q.cursor = cursor;
      return api.transactions.list(q);
    },
    [filters],
  );
  return (
    <section aria-labelledby="tx-title">
      <h1 id="tx-title">Transactions</h1>
      <form
        className="filters"
        aria-label="Filter transactions"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <Field id="tx-wallet" label="Wallet" value={draft.walletId} onChange={(v) => setDraft({ ...draft, walletId: v })} />
        <label htmlFor="tx-kind">
          Kind
          <select id="tx-kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value })}>
            <option value="">Any</option>
            {txKinds.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label htmlFor="tx-status">
          Status
          <select id="tx-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="">Any</option>
            {txStatuses.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <div className="actions">
          <button type="submit">Apply filters</button>
        </div>
      </form>
      <ErrorBox error={paged.error} />
      <div className="scroll">
        <table>
          <thead>
            <tr>
              <th>ID</th>
              <th>Time</th>
              <th>Kind</th>
              <th>Status</th>
              <th className="num">Amount</th>
              <th>From</th>
              <th>To</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {paged.rows.map((t) => (
              <Row key={t.id} t={t} />
            ))}
          </tbody>
        </table>
        {paged.rows.length === 0 && !paged.loading && <p>No transactions match.</p>}
      </div>
      <MoreButton paged={paged} />
    </section>
  );
}

export function TransactionDetail(props: { id: string }) {
  const { api, currencies, canWrite } = useSession();
  const loaded = useLoad(async () => {
    const t = await api.transactions.get(props.id);
    // Reversals point at what they reverse; find them among the reversals of the same wallets.
    const wallet = t.fromWalletId ?? t.toWalletId;
    let reversals: Transaction[] = [];
    if (wallet && t.reversedAmount !== '0') {
      const page = await api.transactions.list({ walletId: wallet, kind: 'reversal', limit: 200 }).page();
      reversals = page.data.filter((r) => r.reversesId === t.id);
    }
    return { t, reversals };
  }, [props.id]);
  const t = loaded.data?.t;
  const c = useCurrency(t?.currencyId);
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!t) return <p>Loading…</p>;
  const cur = (id: string) => currencies.find((x) => x.id === id);
  return (
    <section aria-labelledby="txd-title">
      <p>
        <Link to="transactions">← Transactions</Link>
      </p>
      <h1 id="txd-title">
        {t.kind} {major(t.amount, c)} {c?.code}
      </h1>
      <dl className="facts">
        <div>
          <dt>ID</dt>
          <dd className="mono">{t.id}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{t.status}</dd>
        </div>
        <div>
          <dt>Currency</dt>
          <dd>{currencyLabel(c, t.currencyId)}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{when(t.createdAt)}</dd>
        </div>
        {t.description && (
          <div>
            <dt>Description</dt>
            <dd>{t.description}</dd>
          </div>
        )}
        {t.reference && (
          <div>
            <dt>Reference</dt>
            <dd>{t.reference}</dd>
          </div>
        )}
        {t.reason && (
          <div>
            <dt>Reason</dt>
            <dd>{t.reason}</dd>
          </div>
        )}
        {t.reversesId && (
          <div>
            <dt>Reverses</dt>
            <dd>
              <Link to={`transactions/${t.reversesId}`}>{short(t.reversesId)}</Link>
            </dd>
          </div>
        )}
        {t.reversedAmount !== '0' && (
          <div>
            <dt>Reversed so far</dt>
            <dd>
              {major(t.reversedAmount, c)} {c?.code}
            </dd>
          </div>
        )}
        {t.exchange && (
          <div>
            <dt>Exchange</dt>
            <dd>
              rate {t.exchange.rate} → {major(t.exchange.targetAmount, cur(t.exchange.targetCurrencyId))} {cur(t.exchange.targetCurrencyId)?.code}
              {t.exchange.quoteId ? ` (quote ${short(t.exchange.quoteId)})` : ''}
            </dd>
          </div>
        )}
      </dl>
      {canWrite && t.status === 'posted' && t.kind !== 'reversal' && (
        <p>
          <a className="button secondary" href={`#/money/reversal?transaction=${t.id}`}>
            Reverse…
          </a>
        </p>
      )}
      <h2>Entries</h2>
      <div className="scroll">
        <table>
          <thead>
            <tr>
              <th>Wallet</th>
              <th>Currency</th>
              <th className="num">Debit</th>
              <th className="num">Credit</th>
              <th>Pending</th>
              <th className="num">Balance after</th>
            </tr>
          </thead>
          <tbody>
            {(t.entries ?? []).map((e) => (
              <tr key={e.id}>
                <td>
                  <Link to={`wallets/${e.walletId}`}>{short(e.walletId)}</Link>
                </td>
                <td>{currencyLabel(cur(e.currencyId), e.currencyId)}</td>
                <td className="num">{e.direction === 'debit' ? major(e.amount, cur(e.currencyId)) : ''}</td>
                <td className="num">{e.direction === 'credit' ? major(e.amount, cur(e.currencyId)) : ''}</td>
                <td>{e.pending ? 'yes' : ''}</td>
                <td className="num">{major(e.balanceAfter, cur(e.currencyId))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Fees</h2>
      {t.fees.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {t.fees.map((f, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a transaction's fees are immutable and never reordered.
            <li key={i}>
              {major(f.amount, c)} {c?.code} {f.description ?? ''}
            </li>
          ))}
        </ul>
      )}
      <h2>Reversals</h2>
      {loaded.data!.reversals.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {loaded.data!.reversals.map((r) => (
            <li key={r.id}>
              <Link to={`transactions/${r.id}`}>{short(r.id)}</Link> {major(r.amount, c)} {c?.code} {when(r.createdAt)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
