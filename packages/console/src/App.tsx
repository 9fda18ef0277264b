import { lazy, type ReactNode, Suspense, useCallback, useEffect, useState } from 'react';
import { describe, ErrorBox, go, isStatus, type Session, SessionContext, useRoute } from './lib.js';
import { type Api, connect, type Currency } from './sdk.js';

const storageKey = 'coffer.console.apiKey';

// The screens load after sign-in, so the first load carries only React, the shell and the sign-in form.
const Books = lazy(() => import('./screens/Books.js').then((m) => ({ default: m.Books })));
const Currencies = lazy(() => import('./screens/Currencies.js').then((m) => ({ default: m.Currencies })));
const MoneyForms = lazy(() => import('./screens/Money.js').then((m) => ({ default: m.MoneyForms })));
const Operations = lazy(() => import('./screens/Operations.js').then((m) => ({ default: m.Operations })));
const Transactions = lazy(() => import('./screens/Transactions.js').then((m) => ({ default: m.Transactions })));
const TransactionDetail = lazy(() => import('./screens/Transactions.js').then((m) => ({ default: m.TransactionDetail })));
const WalletPage = lazy(() => import('./screens/WalletPage.js').then((m) => ({ default: m.WalletPage })));
const Wallets = lazy(() => import('./screens/Wallets.js').then((m) => ({ default: m.Wallets })));

async function allCurrencies(api: Api): Promise<Currency[]> {
  const list: Currency[] = [];
  for await (const currency of api.currencies.list({ limit: 500 })) list.push(currency);
  return list;
}

/** Finds what the key may do. There is no "who am I" route: an admin-only list tells admin from merchant, and a
 * body-less POST tells a writing key (400, the body is refused) from a read-only one (403, refused before the body). */
async function probe(api: Api): Promise<{ role: 'admin' | 'merchant'; canWrite: boolean; currencies: Currency[] }> {
  const currencies = await allCurrencies(api);
  let role: 'admin' | 'merchant' = 'admin';
  try {
    await api.apiKeys.list({ limit: 1 }).page();
  } catch (e) {
    if (!isStatus(e, 403, 404)) throw e;
    role = 'merchant';
  }
  let canWrite = true;
  try {
    await api.transfers.create({});
  } catch (e) {
    if (isStatus(e, 403)) canWrite = false;
  }
  return { role, canWrite, currencies };
}

function SignIn(props: { onSignIn(key: string): Promise<void> }) {
  useEffect(() => {
    // Marks when the console first became usable (read by the end-to-end test's first-load figure).
    if (performance.getEntriesByName('coffer-console-ready').length === 0) performance.mark('coffer-console-ready');
  }, []);
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="signin">
      <h1>Coffer console</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          props.onSignIn(key.trim()).catch((err: unknown) => {
            setError(err);
            setBusy(false);
          });
        }}
      >
        <label htmlFor="api-key">
          API key
          <input id="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required placeholder="coffer_sk_…" />
        </label>
        <p className="hint">The key stays in this browser tab only (session storage) and is forgotten on sign-out.</p>
        <button type="submit" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorBox error={error} />
      </form>
    </main>
  );
}

const screens: { path: string; label: string; admin?: boolean }[] = [
  { path: 'wallets', label: 'Wallets' },
  { path: 'money', label: 'Money' },
  { path: 'transactions', label: 'Transactions' },
  { path: 'currencies', label: 'Currencies' },
  { path: 'books', label: 'Books', admin: true },
  { path: 'operations', label: 'Operations' },
];

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => sessionStorage.getItem(storageKey) !== null);
  const [restoreError, setRestoreError] = useState<unknown>(null);
  const route = useRoute();

  const signOut = useCallback(() => {
    sessionStorage.removeItem(storageKey);
    setSession(null);
    go('');
  }, []);

  const signIn = useCallback(
    async (key: string) => {
      const api = connect(key);
      const found = await probe(api);
      sessionStorage.setItem(storageKey, key);
      const reloadCurrencies = async () => {
        const currencies = await allCurrencies(api);
        setSession((s) => (s === null ? s : { ...s, currencies }));
      };
      setSession({ api, ...found, reloadCurrencies, signOut });
    },
    [signOut],
  );

  useEffect(() => {
    const key = sessionStorage.getItem(storageKey);
    if (key === null) return;
    signIn(key)
      .catch((e: unknown) => {
        sessionStorage.removeItem(storageKey);
        setRestoreError(e);
      })
      .finally(() => setRestoring(false));
  }, [signIn]);

  if (session === null) {
    if (restoring) return <main className="signin">Signing in…</main>;
    return (
      <>
        {restoreError !== null && <p className="error">{describe(restoreError)}</p>}
        <SignIn onSignIn={signIn} />
      </>
    );
  }

  const [screen = 'wallets', id] = route;
  const visible = screens.filter((s) => !s.admin || session.role === 'admin');
  let body: ReactNode;
  if (screen === 'wallets' && id) body = <WalletPage id={id} />;
  else if (screen === 'wallets') body = <Wallets />;
  else if (screen === 'money') body = <MoneyForms kind={id} />;
  else if (screen === 'transactions' && id) body = <TransactionDetail id={id} />;
  else if (screen === 'transactions') body = <Transactions />;
  else if (screen === 'currencies') body = <Currencies />;
  else if (screen === 'books') body = <Books />;
  else if (screen === 'operations') body = <Operations tab={id} />;
  else body = <p>No such screen.</p>;

  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <strong className="brand">Coffer</strong>
        <nav aria-label="Screens">
          {visible.map((s) => (
            <a key={s.path} href={`#/${s.path}`} aria-current={s.path === screen ? 'page' : undefined}>
              {s.label}
            </a>
          ))}
        </nav>
        <span className="who" data-testid="who">
          {session.role === 'admin' ? 'Admin key' : 'Merchant key'}
          {session.canWrite ? '' : ' (read-only)'}
        </span>
        <button type="button" className="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p>Loading…</p>}>{body}</Suspense>
      </main>
    </SessionContext.Provider>
  );
}
