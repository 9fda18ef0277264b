import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { type Api, CofferError, type Currency, formatMinor, type Pager, parseMajor } from './sdk.js';

/** What the signed-in key may do: found by asking the server, since it has no "who am I" route. */
export interface Session {
  api: Api;
  role: 'admin' | 'merchant';
  canWrite: boolean;
  currencies: Currency[];
  reloadCurrencies(): Promise<void>;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('no session');
  return session;
}

// ---------- routing: the hash holds the screen (never the key) ----------
export function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `read` only reads window.location; the listener is added once.
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
export function go(path: string): void {
  window.location.hash = `#/${path}`;
}
export function Link(props: { to: string; children: ReactNode; className?: string }) {
  return (
    <a href={`#/${props.to}`} className={props.className}>
      {props.children}
    </a>
  );
}

// ---------- errors: the problem's detail ----------
export function describe(error: unknown): string {
  if (error instanceof CofferError) {
    const e = error as CofferError & { detail?: string; code?: string; status?: number; errors?: { field?: string; message?: string }[] };
    const fields = (e.errors ?? []).map((f: { field?: string; message?: string }) => `${f.field ?? ''} ${f.message ?? ''}`.trim()).filter(Boolean);
    return `${e.detail ?? e.message}${fields.length > 0 ? ` (${fields.join('; ')})` : ''}${e.code ? ` [${e.code}]` : ''}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
export function isStatus(error: unknown, ...statuses: number[]): boolean {
  return error instanceof CofferError && statuses.includes((error as unknown as { status: number }).status);
}
export function ErrorBox(props: { error: unknown }) {
  if (props.error === null || props.error === undefined) return null;
  return (
    <p className="error" role="alert">
      {describe(props.error)}
    </p>
  );
}

// ---------- money ----------
export function currencyLabel(currency: Currency | undefined, id?: string): string {
  return currency === undefined ? (id ?? '?') : `${currency.code} ${currency.name}`;
}
export function useCurrency(id: string | null | undefined): Currency | undefined {
  const { currencies } = useSession();
  return currencies.find((c) => c.id === id);
}
export function major(amount: string | null | undefined, currency: Currency | undefined): string {
  if (amount === null || amount === undefined) return '';
  if (currency === undefined) return amount;
  return formatMinor(amount, currency.fraction);
}
/** Major units typed by a person → minor-unit digit string, refusing more decimals than the fraction allows. */
export function toMinor(text: string, currency: Currency | undefined): string {
  if (currency === undefined) throw new Error('Choose a currency (or wallet) first.');
  const value = text.trim();
  const decimals = Math.round(Math.log10(currency.fraction));
  if (!/^\d+(\.\d+)?$/.test(value)) throw new Error(`Amount "${text}" is not a number like 10 or 10.50.`);
  const dot = value.indexOf('.');
  if (dot >= 0 && value.length - dot - 1 > decimals) {
    throw new Error(`${currency.code} has ${decimals} decimal place${decimals === 1 ? '' : 's'}; "${text}" has more.`);
  }
  const minor = parseMajor(value, currency.fraction);
  if (BigInt(minor) <= 0n) throw new Error('Amount must be more than zero.');
  return String(minor);
}

export function CurrencySelect(props: { id: string; label: string; value: string; onChange(value: string): void; activeOnly?: boolean; optional?: boolean }) {
  const { currencies } = useSession();
  const list = props.activeOnly ? currencies.filter((c) => c.active) : currencies;
  return (
    <label htmlFor={props.id} className="wide">
      {props.label}
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.optional ? 'Any' : 'Choose…'}</option>
        {list.map((c) => (
          <option key={c.id} value={c.id}>
            {`${c.id} ${c.code} ${c.name}`}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Field(props: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  type?: string;
  placeholder?: string;
  required?: boolean;
  inputMode?: 'decimal' | 'text';
}) {
  return (
    <label htmlFor={props.id}>
      {props.label}
      <input
        id={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        required={props.required}
        inputMode={props.inputMode}
        autoComplete="off"
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

// ---------- data loading ----------
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload(): void } {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the load depends on (`deps`), as with useMemo.
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: unknown) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: useCallback(() => setTick((t) => t + 1), []) };
}

/** A cursor-paged list: `more()` fetches the next page with the previous page's nextCursor. */
export function usePaged<T>(list: (cursor: string | undefined) => Pager<T>, deps: unknown[]) {
  const [rows, setRows] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const fetchPage = useCallback(
    async (after: string | undefined, append: boolean) => {
      setLoading(true);
      try {
        const page = await list(after).page();
        setRows((old) => (append ? [...old, ...page.data] : page.data));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        setError(e);
        if (!append) setRows([]);
      } finally {
        setLoading(false);
      }
    },
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the list depends on (`deps`), as with useMemo.
    deps,
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is how reload() asks for the first page again.
  useEffect(() => {
    void fetchPage(undefined, false);
  }, [fetchPage, tick]);
  return { rows, error, loading, hasMore: cursor !== null, more: () => cursor !== null && void fetchPage(cursor, true), reload: () => setTick((t) => t + 1) };
}

export function MoreButton(props: { paged: { hasMore: boolean; loading: boolean; more(): void } }) {
  if (!props.paged.hasMore) return null;
  return (
    <button type="button" className="secondary" disabled={props.paged.loading} onClick={() => props.paged.more()}>
      Next page
    </button>
  );
}

function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * One Idempotency-Key per submission. The key is kept while the same request is retried after a network
 * error or timeout (so the retry can never post twice), and replaced once the server has answered or the
 * request changed. A second click while one is in flight does nothing.
 */
export function useSubmit<B, T>(run: (body: B, idempotencyKey: string) => Promise<T>, onDone?: (result: T) => void) {
  const pending = useRef<{ key: string; body: string } | null>(null);
  const busyRef = useRef(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<T | null>(null);
  const submit = async (build: () => B) => {
    if (busyRef.current) return;
    let body: B;
    try {
      body = build();
    } catch (e) {
      setError(e);
      return;
    }
    const text = JSON.stringify(body);
    if (pending.current === null || pending.current.body !== text) pending.current = { key: uuid(), body: text };
    busyRef.current = true;
    setBusy(true);
    setError(null);
    try {
      const answer = await run(body, pending.current.key);
      pending.current = null;
      setResult(answer);
      onDone?.(answer);
    } catch (e) {
      // The server answered: the key is spent. A network failure keeps it so that "Retry" is safe.
      if (e instanceof CofferError) pending.current = null;
      setError(e);
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };
  return { submit, busy, error, result, setError, reset: () => setResult(null) };
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
export function short(id: string | null | undefined): string {
  // Ids are UUIDv7 (time first): the tail is what tells two apart.
  return id ? `…${id.slice(-8)}` : '';
}
