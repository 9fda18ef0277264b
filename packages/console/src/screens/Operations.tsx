import { useEffect, useRef, useState } from 'react';
import { ErrorBox, Field, Link, MoreButton, short, usePaged, useSession, useSubmit, when } from '../lib.js';
import type { CofferEvent, Webhook } from '../sdk.js';

const eventTypes = [
  'wallet.created',
  'wallet.status_changed',
  'wallet.balance_below_threshold',
  'transaction.pending',
  'transaction.posted',
  'transaction.voided',
  'transaction.expired',
  'transaction.reversed',
  'transaction.failed',
];

function subjectLink(e: CofferEvent) {
  return e.type.startsWith('wallet.') ? (
    <Link to={`wallets/${e.subjectId}`}>{short(e.subjectId)}</Link>
  ) : (
    <Link to={`transactions/${e.subjectId}`}>{short(e.subjectId)}</Link>
  );
}

function Events() {
  const { api } = useSession();
  const [events, setEvents] = useState<CofferEvent[]>([]);
  const [live, setLive] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const last = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!live) return;
    const abort = new AbortController();
    (async () => {
      try {
        for await (const e of api.events.stream({ after: last.current ?? '0', signal: abort.signal })) {
          last.current = e.position;
          setEvents((old) => [e, ...old].slice(0, 500)); // the newest 500, newest first
        }
      } catch (e) {
        if (!abort.signal.aborted) setError(e);
      }
    })();
    return () => abort.abort();
  }, [api, live]);
  return (
    <section aria-labelledby="ev-title">
      <div className="titlebar">
        <h2 id="ev-title">Live events</h2>
        <button type="button" className="secondary" onClick={() => setLive(!live)} aria-pressed={live}>
          {live ? 'Pause' : 'Resume'}
        </button>
      </div>
      <p className="hint" aria-live="polite">
        {live ? 'Following the event stream.' : 'Paused.'} {events.length} shown.
      </p>
      <ErrorBox error={error} />
      <div className="scroll">
        <table aria-label="Events">
          <thead>
            <tr>
              <th>Position</th>
              <th>Time</th>
              <th>Type</th>
              <th>Subject</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td className="num">{e.position}</td>
                <td>{when(e.createdAt)}</td>
                <td>{e.type}</td>
                <td>{subjectLink(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Deliveries(props: { webhook: Webhook }) {
  const { api, canWrite } = useSession();
  const paged = usePaged((cursor) => api.webhooks.deliveries(props.webhook.id, { limit: 25, ...(cursor ? { cursor } : {}) }), [props.webhook.id]);
  const replay = useSubmit(
    (id: string, idempotencyKey) => api.webhooks.replay(props.webhook.id, id, { idempotencyKey }),
    () => paged.reload(),
  );
  return (
    <div className="card">
      <h3>Delivery log of {props.webhook.url}</h3>
      <ErrorBox error={paged.error ?? replay.error} />
      <div className="scroll">
        <table>
          <thead>
            <tr>
              <th>Event</th>
              <th>Type</th>
              <th>Status</th>
              <th className="num">Attempts</th>
              <th>Last answer</th>
              <th>Created</th>
              {canWrite && <th>Replay</th>}
            </tr>
          </thead>
          <tbody>
            {paged.rows.map((d) => (
              <tr key={d.id}>
                <td>{short(d.eventId)}</td>
                <td>{d.eventType ?? ''}</td>
                <td>{d.status}</td>
                <td className="num">{d.attempts}</td>
                <td>{d.lastStatusCode ?? d.lastError ?? ''}</td>
                <td>{when(d.createdAt)}</td>
                {canWrite && (
                  <td>
                    <button type="button" className="link" disabled={replay.busy} onClick={() => void replay.submit(() => d.id)}>
                      Replay
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {paged.rows.length === 0 && !paged.loading && <p>No deliveries yet.</p>}
      </div>
      <MoreButton paged={paged} />
    </div>
  );
}

function Webhooks() {
  const { api, canWrite } = useSession();
  const paged = usePaged((cursor) => api.webhooks.list({ limit: 50, ...(cursor ? { cursor } : {}) }), []);
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [selected, setSelected] = useState<Webhook | null>(null);
  const create = useSubmit(
    (body: Record<string, unknown>, idempotencyKey) => api.webhooks.create(body, { idempotencyKey }),
    () => {
      setUrl('');
      paged.reload();
    },
  );
  const toggle = useSubmit(
    (w: Webhook, idempotencyKey) => api.webhooks.update(w.id, { status: w.status === 'active' ? 'disabled' : 'active' }, { idempotencyKey }),
    () => paged.reload(),
  );
  return (
    <section aria-labelledby="wh-title">
      <h2 id="wh-title">Webhooks</h2>
      {canWrite && (
        <form
          className="card"
          aria-label="New webhook"
          onSubmit={(e) => {
            e.preventDefault();
            void create.submit(() => ({ url: url.trim(), ...(types.length ? { eventTypes: types } : {}) }));
          }}
        >
          <Field id="wh-url" label="Endpoint URL" value={url} onChange={setUrl} type="url" required />
          <fieldset>
            <legend>Event types (none: all)</legend>
            {eventTypes.map((t) => (
              <label key={t} className="check">
                <input
                  type="checkbox"
                  checked={types.includes(t)}
                  onChange={(e) => setTypes(e.target.checked ? [...types, t] : types.filter((x) => x !== t))}
                />{' '}
                {t}
              </label>
            ))}
          </fieldset>
          <button type="submit" disabled={create.busy}>
            Add webhook
          </button>
          <ErrorBox error={create.error} />
          {create.result && (
            <p className="secret" role="status">
              Signing secret (shown once): <code>{create.result.secret}</code>
            </p>
          )}
        </form>
      )}
      <ErrorBox error={paged.error ?? toggle.error} />
      <div className="scroll">
        <table>
          <thead>
            <tr>
              <th>URL</th>
              <th>Events</th>
              <th>Status</th>
              <th>Created</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {paged.rows.map((w) => (
              <tr key={w.id}>
                <td>{w.url}</td>
                <td>{w.eventTypes.length ? w.eventTypes.join(', ') : 'all'}</td>
                <td>{w.status}</td>
                <td>{when(w.createdAt)}</td>
                <td className="rowactions">
                  <button type="button" className="link" onClick={() => setSelected(w)}>
                    Deliveries
                  </button>
                  {canWrite && (
                    <button type="button" className="link" onClick={() => void toggle.submit(() => w)}>
                      {w.status === 'active' ? 'Disable' : 'Enable'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {paged.rows.length === 0 && !paged.loading && <p>No webhooks.</p>}
      </div>
      {selected && <Deliveries key={selected.id} webhook={selected} />}
    </section>
  );
}

function ApiKeys() {
  const { api } = useSession();
  const paged = usePaged((cursor) => api.apiKeys.list({ limit: 50, ...(cursor ? { cursor } : {}) }), []);
  const [name, setName] = useState('');
  const [role, setRole] = useState('merchant');
  const [merchantId, setMerchantId] = useState('');
  const [write, setWrite] = useState(true);
  const create = useSubmit(
    (body: Record<string, unknown>, idempotencyKey) => api.apiKeys.create(body, { idempotencyKey }),
    () => paged.reload(),
  );
  const revoke = useSubmit(
    (id: string, idempotencyKey) => api.apiKeys.revoke(id, { idempotencyKey }),
    () => paged.reload(),
  );
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <form
        className="card grid"
        aria-label="New API key"
        onSubmit={(e) => {
          e.preventDefault();
          void create.submit(() => {
            if (role === 'merchant' && merchantId.trim() === '') throw new Error('A merchant key needs its merchant ID.');
            return {
              role,
              ...(name.trim() ? { name: name.trim() } : {}),
              ...(role === 'merchant' ? { merchantId: merchantId.trim() } : {}),
              scopes: write ? ['read', 'write'] : ['read'],
            };
          });
        }}
      >
        <Field id="key-name" label="Name" value={name} onChange={setName} />
        <label htmlFor="key-role">
          Role
          <select id="key-role" value={role} onChange={(e) => setRole(e.target.value)}>
            <option>merchant</option>
            <option>admin</option>
          </select>
        </label>
        {role === 'merchant' && <Field id="key-merchant" label="Merchant ID" value={merchantId} onChange={setMerchantId} />}
        <label className="check">
          <input type="checkbox" checked={write} onChange={(e) => setWrite(e.target.checked)} /> Can write (otherwise read-only)
        </label>
        <div className="actions">
          <button type="submit" disabled={create.busy}>
            Create key
          </button>
        </div>
        <ErrorBox error={create.error} />
        {create.result && (
          <p className="secret" role="status">
            New key (shown once, copy it now): <code data-testid="new-key">{create.result.key}</code>
          </p>
        )}
      </form>
      <ErrorBox error={paged.error ?? revoke.error} />
      <div className="scroll">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Role</th>
              <th>Merchant</th>
              <th>Scopes</th>
              <th>Created</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {paged.rows.map((k) => (
              <tr key={k.id}>
                <td>{k.name ?? ''}</td>
                <td className="mono">
                  {k.prefix}…{k.last4}
                </td>
                <td>{k.role}</td>
                <td>{k.merchantId ?? ''}</td>
                <td>{k.scopes.join(', ')}</td>
                <td>{when(k.createdAt)}</td>
                <td>
                  {k.revokedAt ? (
                    `revoked ${when(k.revokedAt)}`
                  ) : (
                    <button
                      type="button"
                      className="link"
                      disabled={revoke.busy}
                      onClick={() => window.confirm(`Revoke key ${k.prefix}…${k.last4}?`) && void revoke.submit(() => k.id)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <MoreButton paged={paged} />
    </section>
  );
}

function show(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function AuditLog() {
  const { api } = useSession();
  const [subject, setSubject] = useState('');
  const [filter, setFilter] = useState('');
  const paged = usePaged((cursor) => api.auditLog.list({ limit: 50, ...(filter ? { subjectId: filter } : {}), ...(cursor ? { cursor } : {}) }), [filter]);
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(subject.trim());
        }}
      >
        <Field id="audit-subject" label="Subject ID" value={subject} onChange={setSubject} />
        <button type="submit">Filter</button>
      </form>
      <ErrorBox error={paged.error} />
      <div className="scroll">
        <table>
          <thead>
            <tr>
              <th>Time</th>
              <th>Action</th>
              <th>Subject</th>
              <th>Key</th>
              <th>Request</th>
              <th>Before → after</th>
            </tr>
          </thead>
          <tbody>
            {paged.rows.map((r) => (
              <tr key={r.id}>
                <td>{when(r.createdAt)}</td>
                <td>{r.action}</td>
                <td>
                  {r.subjectType} {short(r.subjectId)}
                </td>
                <td>{short(r.apiKeyId)}</td>
                <td className="mono">{short(r.requestId)}</td>
                <td>
                  <ul className="changes">
                    {Object.entries(r.changes).map(([field, change]) => (
                      <li key={field}>
                        <strong>{field}</strong>: <del>{show(change?.before)}</del> → <ins>{show(change?.after)}</ins>
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <MoreButton paged={paged} />
    </section>
  );
}

export function Operations(props: { tab: string | undefined }) {
  const { role } = useSession();
  const tabs = [
    { key: 'events', label: 'Events' },
    { key: 'webhooks', label: 'Webhooks' },
    ...(role === 'admin' ? [{ key: 'keys', label: 'API keys' }] : []),
    { key: 'audit', label: 'Audit log' },
  ];
  const tab = tabs.find((t) => t.key === props.tab)?.key ?? 'events';
  return (
    <section aria-labelledby="ops-title">
      <h1 id="ops-title">Operations</h1>
      <nav className="tabs" aria-label="Operations">
        {tabs.map((t) => (
          <a key={t.key} href={`#/operations/${t.key}`} aria-current={t.key === tab ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      {tab === 'events' && <Events />}
      {tab === 'webhooks' && <Webhooks />}
      {tab === 'keys' && <ApiKeys />}
      {tab === 'audit' && <AuditLog />}
    </section>
  );
}
