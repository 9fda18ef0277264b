import { useEffect, useState } from 'react';
import { CurrencySelect, currencyLabel, ErrorBox, Field, Link, major, short, toMinor, useCurrency, useSession, useSubmit } from '../lib.js';
import type { Quote, Transaction, Wallet } from '../sdk.js';

const kinds: { key: string; label: string }[] = [
  { key: 'topup', label: 'Top-up' },
  { key: 'withdrawal', label: 'Withdrawal' },
  { key: 'transfer', label: 'Transfer' },
  { key: 'exchange', label: 'Exchange' },
  { key: 'hold', label: 'Hold' },
  { key: 'pending-credit', label: 'Pending credit' },
  { key: 'reversal', label: 'Reversal' },
];

function hashParam(name: string): string {
  const query = window.location.hash.split('?')[1] ?? '';
  return new URLSearchParams(query).get(name) ?? '';
}

/** A wallet typed by id or serial, looked up so that its currency (and fraction) is known. */
function useWalletInput(initial = '') {
  const { api } = useSession();
  const [text, setText] = useState(initial);
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const q = text.trim();
    setWallet(null);
    setError(null);
    if (q === '') return;
    let live = true;
    const timer = setTimeout(() => {
      api.wallets.get(q).then(
        (w) => live && setWallet(w),
        (e: unknown) => live && setError(e),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text, api]);
  return { text, setText, wallet, error };
}

function WalletInput(props: { id: string; label: string; input: ReturnType<typeof useWalletInput> }) {
  const { currencies } = useSession();
  const w = props.input.wallet;
  const c = currencies.find((x) => x.id === w?.currencyId);
  return (
    <div className="walletinput">
      <Field id={props.id} label={props.label} value={props.input.text} onChange={props.input.setText} placeholder="wallet id or serial" required />
      <p className="hint" aria-live="polite" id={`${props.id}-found`}>
        {w
          ? `${w.serial} · ${currencyLabel(c, w.currencyId)} · ${w.status} · available ${major(w.balance.available, c)}`
          : props.input.error
            ? 'No such wallet.'
            : ''}
      </p>
    </div>
  );
}

function Done(props: { result: { id: string; status: string } | null }) {
  if (!props.result) return null;
  return (
    <p className="ok" role="status">
      Done: transaction <Link to={`transactions/${props.result.id}`}>{short(props.result.id)}</Link> is {props.result.status}.
    </p>
  );
}

function Common(props: { description: string; setDescription(v: string): void; reference: string; setReference(v: string): void; prefix: string }) {
  return (
    <>
      <Field id={`${props.prefix}-description`} label="Description" value={props.description} onChange={props.setDescription} />
      <Field id={`${props.prefix}-reference`} label="Reference" value={props.reference} onChange={props.setReference} />
    </>
  );
}

function extras(description: string, reference: string) {
  return { ...(description.trim() ? { description: description.trim() } : {}), ...(reference.trim() ? { reference: reference.trim() } : {}) };
}

/** Top-up, withdrawal, hold, pending credit: one wallet and an amount. */
function OneWalletForm(props: { kind: 'topup' | 'withdrawal' | 'hold' | 'pending-credit' }) {
  const { api } = useSession();
  const wallet = useWalletInput(hashParam('wallet'));
  const currency = useCurrency(wallet.wallet?.currencyId);
  const [amount, setAmount] = useState('');
  const [description, setDescription] = useState('');
  const [reference, setReference] = useState('');
  const [other, setOther] = useState('');
  const send = useSubmit(
    (body: Record<string, unknown>, idempotencyKey): Promise<{ id: string; status: string }> => {
      const o = { idempotencyKey };
      if (props.kind === 'topup') return api.topups.create(body, o);
      if (props.kind === 'withdrawal') return api.withdrawals.create(body, o);
      if (props.kind === 'hold') return api.holds.create(body, o);
      return api.pendingCredits.create(body, o);
    },
    () => setAmount(''),
  );
  const p = props.kind;
  return (
    <form
      className="card"
      aria-label={kinds.find((k) => k.key === p)!.label}
      onSubmit={(e) => {
        e.preventDefault();
        void send.submit(() => {
          if (!wallet.wallet) throw new Error('Enter an existing wallet.');
          const body: Record<string, unknown> = { walletId: wallet.wallet.id, amount: toMinor(amount, currency), ...extras(description, reference) };
          if (p === 'hold' && other.trim()) body.toWalletId = other.trim();
          if (p === 'pending-credit' && other.trim()) body.fromWalletId = other.trim();
          return body;
        });
      }}
    >
      <div className="grid">
        <WalletInput id={`${p}-wallet`} label="Wallet" input={wallet} />
        <Field
          id={`${p}-amount`}
          label={`Amount${currency ? ` (${currency.code})` : ''}`}
          value={amount}
          onChange={setAmount}
          inputMode="decimal"
          required
          placeholder="10.00"
        />
        {p === 'hold' && <Field id="hold-to" label="Capture to wallet (optional, default settlement)" value={other} onChange={setOther} />}
        {p === 'pending-credit' && <Field id="pc-from" label="From wallet (optional, default issuing)" value={other} onChange={setOther} />}
        <Common prefix={p} description={description} setDescription={setDescription} reference={reference} setReference={setReference} />
      </div>
      <div className="actions">
        <button type="submit" disabled={send.busy}>
          {send.busy ? 'Sending…' : kinds.find((k) => k.key === p)!.label}
        </button>
      </div>
      <ErrorBox error={send.error} />
      <Done result={send.result} />
    </form>
  );
}

function TransferForm() {
  const { api } = useSession();
  const from = useWalletInput(hashParam('wallet'));
  const to = useWalletInput();
  const currency = useCurrency(from.wallet?.currencyId);
  const [amount, setAmount] = useState('');
  const [description, setDescription] = useState('');
  const [reference, setReference] = useState('');
  const send = useSubmit(
    (body: Record<string, unknown>, idempotencyKey) => api.transfers.create(body, { idempotencyKey }),
    () => setAmount(''),
  );
  return (
    <form
      className="card"
      aria-label="Transfer"
      onSubmit={(e) => {
        e.preventDefault();
        void send.submit(() => {
          if (!from.wallet || !to.wallet) throw new Error('Enter two existing wallets.');
          return { fromWalletId: from.wallet.id, toWalletId: to.wallet.id, amount: toMinor(amount, currency), ...extras(description, reference) };
        });
      }}
    >
      <div className="grid">
        <WalletInput id="tr-from" label="From wallet" input={from} />
        <WalletInput id="tr-to" label="To wallet" input={to} />
        <Field id="tr-amount" label={`Amount${currency ? ` (${currency.code})` : ''}`} value={amount} onChange={setAmount} inputMode="decimal" required />
        <Common prefix="tr" description={description} setDescription={setDescription} reference={reference} setReference={setReference} />
      </div>
      <div className="actions">
        <button type="submit" disabled={send.busy}>
          {send.busy ? 'Sending…' : 'Transfer'}
        </button>
      </div>
      <ErrorBox error={send.error} />
      <Done result={send.result} />
    </form>
  );
}

function Countdown(props: { quote: Quote; onExpired(): void }) {
  const [now, setNow] = useState(Date.now());
  const left = Math.max(0, Math.ceil((Date.parse(props.quote.expiresAt) - now) / 1000));
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (left === 0) props.onExpired();
  }, [left, props]);
  return (
    <span role="timer" aria-live="off" data-testid="quote-countdown">
      {left > 0 ? `expires in ${left} s` : 'expired'}
    </span>
  );
}

function SetRate() {
  const { api } = useSession();
  const [base, setBase] = useState('');
  const [quote, setQuote] = useState('');
  const [rate, setRate] = useState('');
  const save = useSubmit((b: { base: string; quote: string; rate: string }, idempotencyKey) =>
    api.rates.set(b.base, b.quote, { rate: b.rate }, { idempotencyKey }),
  );
  return (
    <form
      className="card"
      aria-label="Set a rate"
      onSubmit={(e) => {
        e.preventDefault();
        void save.submit(() => {
          if (!base || !quote) throw new Error('Choose both currencies.');
          if (!/^\d+(\.\d+)?$/.test(rate.trim())) throw new Error('A rate is a decimal number such as 0.92.');
          return { base, quote, rate: rate.trim() };
        });
      }}
    >
      <h2>Set a rate</h2>
      <div className="grid">
        <CurrencySelect id="rate-base" label="1 unit of" value={base} onChange={setBase} />
        <CurrencySelect id="rate-quote" label="is worth, in" value={quote} onChange={setQuote} />
        <Field id="rate-value" label="Rate" value={rate} onChange={setRate} inputMode="decimal" required />
      </div>
      <div className="actions">
        <button type="submit" disabled={save.busy}>
          Set rate
        </button>
      </div>
      <ErrorBox error={save.error} />
      {save.result !== null && <p className="ok">Rate saved.</p>}
    </form>
  );
}

function ExchangeForm() {
  const { api, role } = useSession();
  const from = useWalletInput(hashParam('wallet'));
  const to = useWalletInput();
  const source = useCurrency(from.wallet?.currencyId);
  const target = useCurrency(to.wallet?.currencyId);
  const [amount, setAmount] = useState('');
  const [quote, setQuote] = useState<{ quote: Quote; amount: string } | null>(null);
  const [expired, setExpired] = useState(false);
  const [quoteError, setQuoteError] = useState<unknown>(null);
  const send = useSubmit(
    (body: Record<string, unknown>, idempotencyKey) => api.exchanges.create(body, { idempotencyKey }),
    () => {
      setAmount('');
      setQuote(null);
    },
  );
  const getQuote = async () => {
    setQuoteError(null);
    try {
      if (!from.wallet || !to.wallet) throw new Error('Enter both wallets first.');
      const minor = toMinor(amount, source);
      const q = await api.quotes.create({ fromCurrencyId: from.wallet.currencyId, toCurrencyId: to.wallet.currencyId, amount: minor });
      setQuote({ quote: q, amount: minor });
      setExpired(false);
    } catch (e) {
      setQuoteError(e);
    }
  };
  return (
    <>
      <form
        className="card"
        aria-label="Exchange"
        onSubmit={(e) => {
          e.preventDefault();
          void send.submit(() => {
            if (!from.wallet || !to.wallet) throw new Error('Enter two existing wallets.');
            const minor = toMinor(amount, source);
            const useQuote = quote !== null && !expired && quote.amount === minor;
            return { fromWalletId: from.wallet.id, toWalletId: to.wallet.id, amount: minor, ...(useQuote ? { quoteId: quote.quote.id } : {}) };
          });
        }}
      >
        <div className="grid">
          <WalletInput id="ex-from" label="From wallet" input={from} />
          <WalletInput id="ex-to" label="To wallet" input={to} />
          <Field id="ex-amount" label={`Amount${source ? ` (${source.code})` : ''}`} value={amount} onChange={setAmount} inputMode="decimal" required />
        </div>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void getQuote()}>
            Get quote
          </button>
          <button type="submit" disabled={send.busy}>
            {quote && !expired ? 'Exchange at quote' : 'Exchange at current rate'}
          </button>
        </div>
        {quote && (
          <p className="quote" data-testid="quote">
            Rate {quote.quote.rate}: {major(quote.quote.amount, source)} {source?.code} → {major(quote.quote.targetAmount, target)} {target?.code},{' '}
            <Countdown quote={quote.quote} onExpired={() => setExpired(true)} />
          </p>
        )}
        <ErrorBox error={quoteError ?? send.error} />
        <Done result={send.result} />
      </form>
      {role === 'admin' && <SetRate />}
    </>
  );
}

function ReversalForm() {
  const { api } = useSession();
  const [id, setId] = useState(hashParam('transaction'));
  const [tx, setTx] = useState<Transaction | null>(null);
  const currency = useCurrency(tx?.currencyId);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  useEffect(() => {
    setTx(null);
    if (id.trim() === '') return;
    let live = true;
    api.transactions.get(id.trim()).then(
      (t) => live && setTx(t),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [id, api]);
  const send = useSubmit(
    (body: { id: string; body: Record<string, unknown> }, idempotencyKey): Promise<Transaction> =>
      api.transactions.reverse(body.id, body.body, { idempotencyKey }),
  );
  return (
    <form
      className="card"
      aria-label="Reversal"
      onSubmit={(e) => {
        e.preventDefault();
        void send.submit(() => {
          if (!tx) throw new Error('Enter an existing transaction id.');
          return { id: tx.id, body: { ...(amount.trim() ? { amount: toMinor(amount, currency) } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}) } };
        });
      }}
    >
      <div className="grid">
        <Field id="rv-id" label="Transaction" value={id} onChange={setId} required />
        <p className="hint">
          {tx ? `${tx.kind} ${tx.status} ${major(tx.amount, currency)} ${currency?.code ?? ''}, ${major(tx.reversedAmount, currency)} reversed so far` : ''}
        </p>
        <Field id="rv-amount" label="Amount (empty: all that is left)" value={amount} onChange={setAmount} inputMode="decimal" />
        <Field id="rv-reason" label="Reason" value={reason} onChange={setReason} />
      </div>
      <div className="actions">
        <button type="submit" disabled={send.busy}>
          Reverse
        </button>
      </div>
      <ErrorBox error={send.error} />
      <Done result={send.result} />
    </form>
  );
}

export function MoneyForms(props: { kind: string | undefined }) {
  const { canWrite } = useSession();
  const kind = props.kind ?? 'topup';
  if (!canWrite) return <p>This API key is read-only: it cannot move money.</p>;
  return (
    <section aria-labelledby="money-title">
      <h1 id="money-title">Money</h1>
      <nav className="tabs" aria-label="Kind of movement">
        {kinds.map((k) => (
          <a key={k.key} href={`#/money/${k.key}`} aria-current={k.key === kind ? 'page' : undefined}>
            {k.label}
          </a>
        ))}
      </nav>
      {(kind === 'topup' || kind === 'withdrawal' || kind === 'hold' || kind === 'pending-credit') && <OneWalletForm key={kind} kind={kind} />}
      {kind === 'transfer' && <TransferForm />}
      {kind === 'exchange' && <ExchangeForm />}
      {kind === 'reversal' && <ReversalForm />}
    </section>
  );
}
