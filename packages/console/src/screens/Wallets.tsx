import { useState } from 'react';
import { CurrencySelect, currencyLabel, ErrorBox, Field, go, isStatus, Link, major, MoreButton, usePaged, useSession, useSubmit } from '../lib.js';
import type { Wallet } from '../sdk.js';

const emptyFilters = { merchantId: '', customerId: '', program: '', currencyId: '', category: '', type: '', status: '', externalId: '' };

function NewWallet(props: { onDone(w: Wallet): void; onCancel(): void }) {
  const { api, role } = useSession();
  const [f, setF] = useState({ currencyId: '', name: '', merchantId: '', customerId: '', externalId: '', program: '', type: 'client', parentWalletId: '' });
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const create = useSubmit((body: Record<string, unknown>, idempotencyKey) => api.wallets.create(body, { idempotencyKey }), props.onDone);
  return (
    <form
      className="card"
      aria-label="New wallet"
      onSubmit={(e) => {
        e.preventDefault();
        void create.submit(() => {
          if (f.currencyId === '') throw new Error('Choose the wallet currency.');
          const body: Record<string, unknown> = { currencyId: f.currencyId, type: f.type || 'client' };
          for (const k of ['name', 'merchantId', 'customerId', 'externalId', 'program', 'parentWalletId'] as const)
            if (f[k].trim() !== '') body[k] = f[k].trim();
          return body;
        });
      }}
    >
      <h2>New wallet</h2>
      <div className="grid">
        <CurrencySelect id="nw-currency" label="Currency" value={f.currencyId} onChange={set('currencyId')} activeOnly />
        <Field id="nw-name" label="Name" value={f.name} onChange={set('name')} />
        {role === 'admin' && <Field id="nw-merchant" label="Merchant ID" value={f.merchantId} onChange={set('merchantId')} />}
        <Field id="nw-customer" label="Customer ID" value={f.customerId} onChange={set('customerId')} />
        <Field id="nw-external" label="External ID" value={f.externalId} onChange={set('externalId')} />
        <Field id="nw-program" label="Program" value={f.program} onChange={set('program')} />
        <Field id="nw-type" label="Type" value={f.type} onChange={set('type')} />
        <Field id="nw-parent" label="Parent wallet (virtual wallet)" value={f.parentWalletId} onChange={set('parentWalletId')} />
      </div>
      <div className="actions">
        <button type="submit" disabled={create.busy}>
          Create wallet
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
      <ErrorBox error={create.error} />
    </form>
  );
}

/** Finds a wallet by serial (or id), IBAN or externalId. */
function Search() {
  const { api } = useSession();
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [matches, setMatches] = useState<Wallet[] | null>(null);
  const find = async () => {
    setError(null);
    setMatches(null);
    const q = text.trim().replace(/\s+/g, '');
    if (q === '') return;
    try {
      if (/^[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}$/.test(q)) {
        const found = await api.instruments.find({ iban: q.toUpperCase() });
        if (found.data[0]) return go(`wallets/${found.data[0].walletId}`);
      }
      try {
        const wallet = await api.wallets.get(q);
        return go(`wallets/${wallet.id}`);
      } catch (e) {
        if (!isStatus(e, 400, 404, 422)) throw e;
      }
      if (q.length <= 40) {
        const page = await api.wallets.list({ externalId: text.trim() }).page();
        if (page.data.length === 1) return go(`wallets/${page.data[0]!.id}`);
        if (page.data.length > 1) return setMatches(page.data);
      }
      setError(new Error(`No wallet has the serial, IBAN or external ID "${text.trim()}".`));
    } catch (e) {
      setError(e);
    }
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: the <search> element is too new for the browsers operators use; the role says the same.
    <form
      className="inline"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        void find();
      }}
    >
      <Field id="wallet-search" label="Serial, IBAN or external ID" value={text} onChange={setText} />
      <button type="submit">Find</button>
      <ErrorBox error={error} />
      {matches && (
        <ul>
          {matches.map((w) => (
            <li key={w.id}>
              <Link to={`wallets/${w.id}`}>{w.serial}</Link> {w.merchantId}
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}

export function WalletTable(props: { rows: Wallet[] }) {
  const { currencies } = useSession();
  return (
    <div className="scroll">
      <table>
        <thead>
          <tr>
            <th>Serial</th>
            <th>Name</th>
            <th>Currency</th>
            <th>Type</th>
            <th>Merchant</th>
            <th>Customer</th>
            <th>External ID</th>
            <th>Status</th>
            <th className="num">Available</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((w) => {
            const c = currencies.find((x) => x.id === w.currencyId);
            return (
              <tr key={w.id}>
                <td>
                  <Link to={`wallets/${w.id}`}>{w.serial}</Link>
                </td>
                <td>{w.name ?? ''}</td>
                <td>{currencyLabel(c, w.currencyId)}</td>
                <td>
                  {w.category}/{w.type}
                  {w.parentWalletId ? ' (virtual)' : ''}
                </td>
                <td>{w.merchantId ?? ''}</td>
                <td>{w.customerId ?? ''}</td>
                <td>{w.externalId ?? ''}</td>
                <td>
                  <span className={`badge ${w.status}`}>{w.status}</span>
                </td>
                <td className="num">{major(w.balance.available, c)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {props.rows.length === 0 && <p>No wallets match.</p>}
    </div>
  );
}

export function Wallets() {
  const { api, canWrite, role } = useSession();
  const [draft, setDraft] = useState(emptyFilters);
  const [filters, setFilters] = useState(emptyFilters);
  const [creating, setCreating] = useState(false);
  const paged = usePaged(
    (cursor) => {
      const q: Record<string, string> = { limit: '25' };
      for (const [k, v] of Object.entries(filters)) if (v.trim() !== '') q[k] = v.trim();
      if (cursor) q.cursor = cursor;
      return api.wallets.list(q);
    },
    [filters],
  );
  const set = (k: keyof typeof emptyFilters) => (v: string) => setDraft({ ...draft, [k]: v });
  return (
    <section aria-labelledby="w-title">
      <h1 id="w-title">Wallets</h1>
      <div className="toolbar">
        <Search />
        {canWrite && (
          <button type="button" onClick={() => setCreating(true)}>
            New wallet
          </button>
        )}
      </div>
      {creating && <NewWallet onCancel={() => setCreating(false)} onDone={(w) => go(`wallets/${w.id}`)} />}
      <form
        className="filters"
        aria-label="Filter wallets"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        {role === 'admin' && <Field id="f-merchant" label="Merchant" value={draft.merchantId} onChange={set('merchantId')} />}
        <Field id="f-customer" label="Customer" value={draft.customerId} onChange={set('customerId')} />
        <Field id="f-program" label="Program" value={draft.program} onChange={set('program')} />
        <CurrencySelect id="f-currency" label="Currency" value={draft.currencyId} onChange={set('currencyId')} optional />
        <label htmlFor="f-category">
          Category
          <select id="f-category" value={draft.category} onChange={(e) => set('category')(e.target.value)}>
            <option value="">Any</option>
            <option>client</option>
            <option>system</option>
          </select>
        </label>
        <Field id="f-type" label="Type" value={draft.type} onChange={set('type')} />
        <label htmlFor="f-status">
          Status
          <select id="f-status" value={draft.status} onChange={(e) => set('status')(e.target.value)}>
            <option value="">Any</option>
            <option>active</option>
            <option>blocked</option>
            <option>closed</option>
          </select>
        </label>
        <Field id="f-external" label="External ID" value={draft.externalId} onChange={set('externalId')} />
        <div className="actions">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setDraft(emptyFilters);
              setFilters(emptyFilters);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <ErrorBox error={paged.error} />
      <WalletTable rows={paged.rows} />
      <MoreButton paged={paged} />
    </section>
  );
}
