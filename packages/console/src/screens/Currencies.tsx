import { useState } from 'react';
import { ErrorBox, Field, useSession, useSubmit } from '../lib.js';
import type { Currency } from '../sdk.js';

const fractions = ['1', '10', '100', '1000', '10000', '100000', '1000000', '100000000', '1000000000000000000'];

function CurrencyForm(props: { editing: Currency | null; onDone(): void }) {
  const { api, reloadCurrencies } = useSession();
  const e = props.editing;
  const [code, setCode] = useState('');
  const [numericCode, setNumericCode] = useState('');
  const [name, setName] = useState(e?.name ?? '');
  const [symbol, setSymbol] = useState(e?.symbol ?? '');
  const [fraction, setFraction] = useState('100');
  const [assetType, setAssetType] = useState('fiat');
  const [serialPrefix, setSerialPrefix] = useState(e?.serialPrefix ?? '');
  const save = useSubmit(
    (body: Record<string, unknown>, idempotencyKey) =>
      e ? api.currencies.update(e.id, body, { idempotencyKey }) : api.currencies.create(body, { idempotencyKey }),
    async () => {
      await reloadCurrencies();
      props.onDone();
    },
  );
  const nullable = (v: string) => (v.trim() === '' ? null : v.trim());
  return (
    <form
      className="card"
      aria-label={e ? `Edit ${e.code}` : 'New currency'}
      onSubmit={(ev) => {
        ev.preventDefault();
        void save.submit(() =>
          e
            ? { name: name.trim(), symbol: nullable(symbol), serialPrefix: nullable(serialPrefix) }
            : {
                code: code.trim(),
                numericCode: nullable(numericCode),
                name: name.trim(),
                symbol: nullable(symbol),
                fraction: Number(fraction),
                assetType,
                serialPrefix: nullable(serialPrefix),
              },
        );
      }}
    >
      <h2>{e ? `Edit ${e.code} ${e.name}` : 'New currency'}</h2>
      <div className="grid">
        {!e && <Field id="cur-code" label="Code" value={code} onChange={setCode} required />}
        {!e && <Field id="cur-numeric" label="Digital Code" value={numericCode} onChange={setNumericCode} />}
        <Field id="cur-name" label="Name" value={name} onChange={setName} required />
        <Field id="cur-symbol" label="Symbol" value={symbol} onChange={setSymbol} />
        {!e && (
          <label htmlFor="cur-fraction">
            Fraction
            <select id="cur-fraction" value={fraction} onChange={(ev) => setFraction(ev.target.value)}>
              {fractions.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </label>
        )}
        {!e && (
          <label htmlFor="cur-asset">
            Asset type
            <select id="cur-asset" value={assetType} onChange={(ev) => setAssetType(ev.target.value)}>
              {['fiat', 'crypto', 'emoney', 'points'].map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </label>
        )}
        <Field id="cur-prefix" label="SN Prefix" value={serialPrefix} onChange={setSerialPrefix} />
      </div>
      <div className="actions">
        <button type="submit" disabled={save.busy}>
          {e ? 'Save' : 'Create currency'}
        </button>
        <button type="button" className="secondary" onClick={props.onDone}>
          Cancel
        </button>
      </div>
      <ErrorBox error={save.error} />
    </form>
  );
}

export function Currencies() {
  const { api, currencies, reloadCurrencies, role, canWrite } = useSession();
  const admin = role === 'admin' && canWrite;
  const [form, setForm] = useState<'new' | Currency | null>(null);
  const [iso, setIso] = useState('');
  const importIso = useSubmit(
    (code: string, idempotencyKey) => api.currencies.importIso(code, {}, { idempotencyKey }),
    async () => {
      setIso('');
      await reloadCurrencies();
    },
  );
  const toggle = useSubmit(
    (c: Currency, idempotencyKey) => api.currencies.update(c.id, { active: !c.active }, { idempotencyKey }),
    () => void reloadCurrencies(),
  );
  return (
    <section aria-labelledby="cur-title">
      <h1 id="cur-title">Currencies</h1>
      {admin && (
        <div className="toolbar">
          <form
            className="inline"
            onSubmit={(e) => {
              e.preventDefault();
              void importIso.submit(() => iso.trim().toUpperCase());
            }}
          >
            <Field id="iso-code" label="ISO 4217 code" value={iso} onChange={setIso} placeholder="USD" required />
            <button type="submit" disabled={importIso.busy}>
              Import ISO
            </button>
          </form>
          <button type="button" onClick={() => setForm('new')}>
            New currency
          </button>
        </div>
      )}
      <ErrorBox error={importIso.error ?? toggle.error} />
      {form !== null && <CurrencyForm key={form === 'new' ? 'new' : form.id} editing={form === 'new' ? null : form} onDone={() => setForm(null)} />}
      <div className="scroll">
        <table>
          <caption className="sr-only">Currencies</caption>
          <thead>
            <tr>
              <th>ID</th>
              <th>Code</th>
              <th>Digital Code</th>
              <th>Name</th>
              <th>Symbol</th>
              <th>Fraction</th>
              <th>Status</th>
              <th>SN Prefix</th>
            </tr>
          </thead>
          <tbody>
            {currencies.map((c) => (
              <tr key={c.id}>
                <td className="mono">{c.id}</td>
                <td>{c.code}</td>
                <td>{c.numericCode ?? ''}</td>
                <td>{c.name}</td>
                <td>{c.symbol ?? ''}</td>
                <td className="num">{c.fraction}</td>
                <td>
                  <span className={c.active ? 'badge ok' : 'badge off'}>{c.active ? 'Active' : 'Inactive'}</span>
                  {admin && (
                    <span className="rowactions">
                      <button type="button" className="link" onClick={() => setForm(c)} aria-label={`Edit ${c.code} ${c.name}`}>
                        Edit
                      </button>
                      <button
                        type="button"
                        className="link"
                        disabled={toggle.busy}
                        onClick={() => void toggle.submit(() => c)}
                        aria-label={`${c.active ? 'Deactivate' : 'Activate'} ${c.code} ${c.name}`}
                      >
                        {c.active ? 'Deactivate' : 'Activate'}
                      </button>
                    </span>
                  )}
                </td>
                <td>{c.serialPrefix ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {currencies.length === 0 && <p>No currencies yet.</p>}
      </div>
    </section>
  );
}
