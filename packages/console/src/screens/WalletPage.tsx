import { useState } from 'react';
import {
  CurrencySelect,
  currencyLabel,
  ErrorBox,
  Field,
  Link,
  major,
  MoreButton,
  short,
  toMinor,
  useCurrency,
  useLoad,
  usePaged,
  useSession,
  useSubmit,
  when,
} from '../lib.js';
import type { Api, AuditRecord, BalanceView, Currency, Entry, Transaction, Wallet } from '../sdk.js';
import { WalletTable } from './Wallets.js';

const reasons = [
  'customer_request',
  'suspected_fraud',
  'compliance_review',
  'kyc_incomplete',
  'lost_or_stolen',
  'dormant',
  'court_order',
  'merchant_request',
  'review_completed',
  'other',
];

function Balances(props: { wallet: Wallet; currency: Currency | undefined }) {
  const { api } = useSession();
  const b = props.wallet.balance;
  const code = props.currency?.code ?? '';
  const [valueIn, setValueIn] = useState('');
  const [views, setViews] = useState<BalanceView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const rows: [string, string][] = [
    ['Posted', b.posted],
    ['Held', b.held],
    ['Pending', b.pending],
    ['Available', b.available],
    ['Ledger', b.ledger],
    ['Credit limit', b.creditLimit],
  ];
  return (
    <section className="card" aria-labelledby="bal-title">
      <h2 id="bal-title">Balances</h2>
      <dl className="balances">
        {rows.map(([label, value]) => (
          <div key={label} data-testid={`balance-${label.toLowerCase().replace(' ', '-')}`}>
            <dt>{label}</dt>
            <dd>
              {major(value, props.currency)} {code}
            </dd>
          </div>
        ))}
      </dl>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api.wallets
            .balance(props.wallet.id, valueIn ? { valueIn, units: 'major,minor' } : { units: 'major,minor' })
            .then((answer) => setViews(answer.views ?? []), setError);
        }}
      >
        <CurrencySelect id="value-in" label="Value in" value={valueIn} onChange={setValueIn} optional />
        <button type="submit" className="secondary">
          Show other units
        </button>
      </form>
      <ErrorBox error={error} />
      {views && (
        <div className="scroll">
          <table>
            <thead>
              <tr>
                <th>Unit</th>
                <th>Currency</th>
                <th>Rate</th>
                <th className="num">Posted</th>
                <th className="num">Available</th>
                <th className="num">Pending</th>
                <th className="num">Ledger</th>
              </tr>
            </thead>
            <tbody>
              {views.map((v, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the unit views are rebuilt whole with each balance, never reordered.
                <tr key={i}>
                  <td>{v.unit}</td>
                  <td>{v.code}</td>
                  <td>{v.rate ?? ''}</td>
                  <td className="num">{v.posted}</td>
                  <td className="num">{v.available}</td>
                  <td className="num">{v.pending}</td>
                  <td className="num">{v.ledger}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function StatusPanel(props: { wallet: Wallet; onChanged(): void }) {
  const { api, canWrite } = useSession();
  const w = props.wallet;
  const [status, setStatus] = useState(w.status === 'active' ? 'blocked' : 'active');
  const [reason, setReason] = useState('');
  const [description, setDescription] = useState('');
  const change = useSubmit(
    (body: Record<string, unknown>, idempotencyKey) => api.wallets.setStatus(w.id, body, { idempotencyKey }),
    () => {
      setReason('');
      setDescription('');
      props.onChanged();
    },
  );
  const history = useLoad(async () => {
    const page = await api.auditLog.list({ subjectId: w.id, limit: 50 }).page();
    return page.data.filter((r: AuditRecord) => 'status' in r.changes);
  }, [w.id, w.statusChangedAt]);
  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title">Status</h2>
      <p>
        <span className={`badge ${w.status}`} data-testid="wallet-status">
          {w.status}
        </span>{' '}
        {w.statusReason && <>reason {w.statusReason} </>}
        {w.statusDescription && <>“{w.statusDescription}” </>}
        {w.statusChangedAt && <>since {when(w.statusChangedAt)} </>}
        {w.statusChangedBy && <>by {short(w.statusChangedBy)}</>}
      </p>
      {canWrite && w.status !== 'closed' && (
        <form
          className="grid"
          aria-label="Change status"
          onSubmit={(e) => {
            e.preventDefault();
            void change.submit(() => {
              if (reason === '') throw new Error('Give a reason for the status change.');
              return { status, reason, ...(description.trim() ? { description: description.trim() } : {}) };
            });
          }}
        >
          <label htmlFor="st-status">
            New status
            <select id="st-status" value={status} onChange={(e) => setStatus(e.target.value as Wallet['status'])}>
              {['active', 'blocked', 'closed']
                .filter((s) => s !== w.status)
                .map((s) => (
                  <option key={s}>{s}</option>
                ))}
            </select>
          </label>
          <label htmlFor="st-reason">
            Reason
            <select id="st-reason" value={reason} onChange={(e) => setReason(e.target.value)} required>
              <option value="">Choose…</option>
              {reasons.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <Field id="st-description" label="Description" value={description} onChange={setDescription} />
          <div className="actions">
            <button type="submit" disabled={change.busy}>
              Change status
            </button>
          </div>
        </form>
      )}
      <ErrorBox error={change.error} />
      <h3>History</h3>
      {history.error ? (
        <p className="hint">The status history comes from the audit log, which this key cannot read.</p>
      ) : (
        <ul className="history">
          {(history.data ?? []).map((r) => (
            <li key={r.id}>
              {when(r.createdAt)}:{' '}
              {r.changes.status?.before === undefined || r.changes.status.before === null
                ? `created ${String(r.changes.status?.after ?? '')}`
                : `${String(r.changes.status.before)} → ${String(r.changes.status.after ?? '')}`}
              {r.changes.statusReason ? ` (${String(r.changes.statusReason.after ?? '')})` : ''} by key {short(r.apiKeyId)}
            </li>
          ))}
          {history.data?.length === 0 && <li>No changes yet.</li>}
        </ul>
      )}
    </section>
  );
}

function Reservations(props: { wallet: Wallet; currency: Currency | undefined; kind: 'hold' | 'pending_credit'; onChanged(): void }) {
  const { api, canWrite } = useSession();
  const list = usePaged(
    () => api.transactions.list({ walletId: props.wallet.id, kind: props.kind, status: 'pending', limit: 50 }),
    [props.wallet.id, props.wallet.balance.held, props.wallet.balance.pending],
  );
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  const act = useSubmit(
    (a: { id: string; action: string; amount?: string }, idempotencyKey) => {
      const o = { idempotencyKey };
      if (a.action === 'capture') return api.holds.capture(a.id, a.amount ? { amount: a.amount } : {}, o);
      if (a.action === 'void') return api.holds.void(a.id, o);
      if (a.action === 'settle') return api.pendingCredits.settle(a.id, {}, o);
      return api.pendingCredits.fail(a.id, {}, o);
    },
    () => {
      list.reload();
      props.onChanged();
    },
  );
  const hold = props.kind === 'hold';
  const title = hold ? 'Open holds' : 'Pending credits';
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      <ErrorBox error={list.error ?? act.error} />
      {list.rows.length === 0 ? (
        <p>None.</p>
      ) : (
        <div className="scroll">
          <table>
            <thead>
              <tr>
                <th>Transaction</th>
                <th>Created</th>
                <th className="num">Amount</th>
                <th>Description</th>
                {canWrite && <th>Actions</th>}
              </tr>
            </thead>
            <tbody>
              {list.rows.map((t: Transaction) => (
                <tr key={t.id}>
                  <td>
                    <Link to={`transactions/${t.id}`}>{short(t.id)}</Link>
                  </td>
                  <td>{when(t.createdAt)}</td>
                  <td className="num">{major(t.amount, props.currency)}</td>
                  <td>{t.description ?? ''}</td>
                  {canWrite && (
                    <td className="rowactions">
                      {hold ? (
                        <>
                          <label htmlFor={`cap-${t.id}`} className="sr-only">
                            Capture amount for {short(t.id)}
                          </label>
                          <input
                            id={`cap-${t.id}`}
                            className="small"
                            inputMode="decimal"
                            placeholder="all"
                            value={amounts[t.id] ?? ''}
                            onChange={(e) => setAmounts({ ...amounts, [t.id]: e.target.value })}
                          />
                          <button
                            type="button"
                            disabled={act.busy}
                            onClick={() =>
                              void act.submit(() => ({
                                id: t.id,
                                action: 'capture',
                                ...(amounts[t.id]?.trim() ? { amount: toMinor(amounts[t.id]!, props.currency) } : {}),
                              }))
                            }
                          >
                            Capture
                          </button>
                          <button type="button" className="secondary" disabled={act.busy} onClick={() => void act.submit(() => ({ id: t.id, action: 'void' }))}>
                            Void
                          </button>
                        </>
                      ) : (
                        <>
                          <button type="button" disabled={act.busy} onClick={() => void act.submit(() => ({ id: t.id, action: 'settle' }))}>
                            Settle
                          </button>
                          <button type="button" className="secondary" disabled={act.busy} onClick={() => void act.submit(() => ({ id: t.id, action: 'fail' }))}>
                            Fail
                          </button>
                        </>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Instruments(props: { wallet: Wallet }) {
  const { api } = useSession();
  const data = useLoad(async () => {
    const [instruments, cards] = await Promise.all([api.wallets.instruments(props.wallet.id), api.wallets.cards(props.wallet.id)]);
    return { instruments: instruments.data, cards: cards.data };
  }, [props.wallet.id, props.wallet.status]);
  return (
    <section className="card" aria-labelledby="inst-title">
      <h2 id="inst-title">Bank identifiers and cards</h2>
      <ErrorBox error={data.error} />
      <ul>
        {(data.data?.instruments ?? []).map((i) => (
          <li key={i.id}>
            {i.kind === 'iban' && (
              <>
                IBAN <span className="mono">{i.iban}</span>
              </>
            )}
            {i.kind === 'uk_account' && (
              <>
                Sort code {i.sortCode}, account {i.accountNumber}
              </>
            )}
            {i.kind === 'us_account' && (
              <>
                Routing {i.routingNumber}, account {i.accountNumber}
              </>
            )}
            {!i.active && ' (inactive)'}
          </li>
        ))}
        {(data.data?.cards ?? []).map((c) => (
          <li key={c.id}>
            Card <span className="mono">{c.maskedNumber}</span> {c.kind}, expires {c.expirationDate} ({c.expirationStatus}){c.frozen ? ', frozen' : ''}
            {!c.active ? ', inactive' : ''}
          </li>
        ))}
        {data.data && data.data.instruments.length + data.data.cards.length === 0 && <li>None.</li>}
      </ul>
    </section>
  );
}

async function statementCsv(api: Api, wallet: Wallet, currency: Currency | undefined): Promise<string> {
  const lines = ['createdAt,transactionId,kind,direction,amount,pending,balanceAfter,currency'];
  let n = 0;
  for await (const e of api.wallets.entries(wallet.id, { limit: 500 })) {
    lines.push(
      [e.createdAt, e.transactionId, e.kind, e.direction, major(e.amount, currency), e.pending, major(e.balanceAfter, currency), currency?.code ?? ''].join(
        ',',
      ),
    );
    if (++n >= 100_000) break;
  }
  return `${lines.join('\n')}\n`;
}

function Statement(props: { wallet: Wallet; currency: Currency | undefined }) {
  const { api } = useSession();
  const paged = usePaged(
    (cursor) => api.wallets.entries(props.wallet.id, { limit: 25, ...(cursor ? { cursor } : {}) }),
    [props.wallet.id, props.wallet.balance.posted, props.wallet.balance.held],
  );
  const [error, setError] = useState<unknown>(null);
  const download = () => {
    setError(null);
    statementCsv(api, props.wallet, props.currency).then((csv) => {
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `statement-${props.wallet.serial}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    }, setError);
  };
  return (
    <section className="card" aria-labelledby="stmt-title">
      <div className="titlebar">
        <h2 id="stmt-title">Statement</h2>
        <button type="button" className="secondary" onClick={download}>
          Download CSV
        </button>
      </div>
      <ErrorBox error={paged.error ?? error} />
      <div className="scroll">
        <table aria-label="Statement">
          <thead>
            <tr>
              <th>Time</th>
              <th>Transaction</th>
              <th>Kind</th>
              <th className="num">Debit</th>
              <th className="num">Credit</th>
              <th className="num">Balance</th>
            </tr>
          </thead>
          <tbody>
            {paged.rows.map((e: Entry) => (
              <tr key={e.id} className={e.pending ? 'pending' : ''}>
                <td>{when(e.createdAt)}</td>
                <td>
                  <Link to={`transactions/${e.transactionId}`}>{short(e.transactionId)}</Link>
                </td>
                <td>
                  {e.kind}
                  {e.pending ? ' (pending)' : ''}
                </td>
                <td className="num">{e.direction === 'debit' ? major(e.amount, props.currency) : ''}</td>
                <td className="num">{e.direction === 'credit' ? major(e.amount, props.currency) : ''}</td>
                <td className="num">{major(e.balanceAfter, props.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {paged.rows.length === 0 && !paged.loading && <p>No entries yet.</p>}
      </div>
      <MoreButton paged={paged} />
    </section>
  );
}

function VirtualWallets(props: { wallet: Wallet }) {
  const { api } = useSession();
  const paged = usePaged(() => api.wallets.list({ parentWalletId: props.wallet.id, limit: 50 }), [props.wallet.id]);
  if (paged.rows.length === 0 && !paged.error) return null;
  return (
    <section className="card" aria-labelledby="virt-title">
      <h2 id="virt-title">Virtual wallets</h2>
      <ErrorBox error={paged.error} />
      <WalletTable rows={paged.rows} />
    </section>
  );
}

export function WalletPage(props: { id: string }) {
  const { api, canWrite } = useSession();
  const loaded = useLoad(() => api.wallets.get(props.id), [props.id]);
  const w = loaded.data;
  const currency = useCurrency(w?.currencyId);
  if (loaded.error)
    return (
      <>
        <p>
          <Link to="wallets">← Wallets</Link>
        </p>
        <ErrorBox error={loaded.error} />
      </>
    );
  if (!w) return <p>Loading…</p>;
  return (
    <section aria-labelledby="wallet-title">
      <p>
        <Link to="wallets">← Wallets</Link>
      </p>
      <h1 id="wallet-title">
        Wallet {w.serial} {w.name ? `· ${w.name}` : ''}
      </h1>
      <dl className="facts">
        <div>
          <dt>Currency</dt>
          <dd>{currencyLabel(currency, w.currencyId)}</dd>
        </div>
        <div>
          <dt>ID</dt>
          <dd className="mono">{w.id}</dd>
        </div>
        <div>
          <dt>Kind</dt>
          <dd>
            {w.category}/{w.type}
            {w.main ? ', main' : ''}
          </dd>
        </div>
        {w.merchantId && (
          <div>
            <dt>Merchant</dt>
            <dd>{w.merchantId}</dd>
          </div>
        )}
        {w.customerId && (
          <div>
            <dt>Customer</dt>
            <dd>{w.customerId}</dd>
          </div>
        )}
        {w.externalId && (
          <div>
            <dt>External ID</dt>
            <dd>{w.externalId}</dd>
          </div>
        )}
        {w.program && (
          <div>
            <dt>Program</dt>
            <dd>{w.program}</dd>
          </div>
        )}
        {w.alias && (
          <div>
            <dt>Alias</dt>
            <dd>{w.alias}</dd>
          </div>
        )}
        {w.parentWalletId && (
          <div>
            <dt>Parent (virtual wallet of)</dt>
            <dd>
              <Link to={`wallets/${w.parentWalletId}`}>{short(w.parentWalletId)}</Link>
            </dd>
          </div>
        )}
      </dl>
      {canWrite && w.status === 'active' && (
        <nav className="toolbar" aria-label="Move money">
          {['topup', 'withdrawal', 'transfer', 'exchange', 'hold', 'pending-credit'].map((k) => (
            <a key={k} className="button secondary" href={`#/money/${k}?wallet=${encodeURIComponent(w.id)}`}>
              {k.replace('-', ' ')}
            </a>
          ))}
        </nav>
      )}
      <div className="two">
        <Balances wallet={w} currency={currency} />
        <StatusPanel wallet={w} onChanged={loaded.reload} />
      </div>
      <div className="two">
        <Reservations wallet={w} currency={currency} kind="hold" onChanged={loaded.reload} />
        <Reservations wallet={w} currency={currency} kind="pending_credit" onChanged={loaded.reload} />
      </div>
      <Instruments wallet={w} />
      <VirtualWallets wallet={w} />
      <Statement wallet={w} currency={currency} />
    </section>
  );
}
