// TEMPORARY stand-in for @coffer/sdk, used by vite.config.ts only while packages/sdk is not in the
// workspace (the sdk helper builds it in parallel). It follows the agreed SDK surface for the calls the
// console makes; delete it once @coffer/sdk resolves.
type Query = Record<string, string | number | boolean | undefined>;
interface Options { idempotencyKey?: string; signal?: AbortSignal }

export class CofferError extends Error {
  status: number;
  code: string;
  detail: string;
  errors?: unknown[];
  requestId: string | null;
  title: string;
  constructor(status: number, body: Record<string, unknown>, requestId: string | null) {
    super(String(body.detail ?? body.title ?? `HTTP ${status}`));
    this.status = status;
    this.code = String(body.code ?? 'error');
    this.detail = String(body.detail ?? '');
    this.errors = body.errors as unknown[] | undefined;
    this.requestId = requestId;
    this.title = String(body.title ?? '');
  }
}

export function formatMinor(amount: string | bigint, fraction: number): string {
  const decimals = Math.round(Math.log10(fraction));
  let value = BigInt(amount);
  const negative = value < 0n;
  if (negative) value = -value;
  const text = value.toString().padStart(decimals + 1, '0');
  const whole = decimals === 0 ? text : text.slice(0, -decimals);
  const frac = decimals === 0 ? '' : `.${text.slice(-decimals)}`;
  return `${negative ? '-' : ''}${whole}${frac}`;
}
export function parseMajor(text: string, fraction: number): bigint {
  const decimals = Math.round(Math.log10(fraction));
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`not an amount: ${text}`);
  const frac = m[2] ?? '';
  if (frac.length > decimals) throw new Error(`more than ${decimals} decimals`);
  return BigInt(m[1]!) * BigInt(fraction) + BigInt(frac.padEnd(decimals, '0') || '0');
}

class Pager<T> {
  constructor(private readonly fetchPage: (cursor?: string) => Promise<{ data: T[]; nextCursor: string | null }>) {}
  page() {
    return this.fetchPage();
  }
  async *[Symbol.asyncIterator]() {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.fetchPage(cursor);
      yield* page.data;
      if (!page.nextCursor || page.data.length === 0) return;
      cursor = page.nextCursor;
    }
  }
}

export class Coffer {
  constructor(private readonly options: { baseUrl: string; apiKey: string; [option: string]: unknown }) {}
  private async call(method: string, path: string, body?: unknown, query?: Query, o: Options = {}): Promise<any> {
    const url = new URL(path, this.options.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.apiKey}` };
    if (method !== 'GET') headers['idempotency-key'] = o.idempotencyKey ?? crypto.randomUUID();
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: o.signal });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) throw new CofferError(response.status, json ?? {}, response.headers.get('request-id'));
    return json;
  }
  private pager(path: string, query?: Query) {
    return new Pager((cursor) => this.call('GET', path, undefined, { ...query, ...(cursor ? { cursor } : {}) }));
  }
  private e = encodeURIComponent;
  currencies = {
    list: (q?: Query) => this.pager('/v1/currencies', q),
    create: (b: unknown, o?: Options) => this.call('POST', '/v1/currencies', b, undefined, o),
    get: (id: string) => this.call('GET', `/v1/currencies/${this.e(id)}`),
    update: (id: string, b: unknown, o?: Options) => this.call('PATCH', `/v1/currencies/${this.e(id)}`, b, undefined, o),
    importIso: (code: string, o?: Options) => this.call('POST', `/v1/currencies/iso/${this.e(code)}`, undefined, undefined, o),
  };
  wallets = {
    list: (q?: Query) => this.pager('/v1/wallets', q),
    create: (b: unknown, o?: Options) => this.call('POST', '/v1/wallets', b, undefined, o),
    get: (id: string) => this.call('GET', `/v1/wallets/${this.e(id)}`),
    balance: (id: string, q?: Query) => this.call('GET', `/v1/wallets/${this.e(id)}/balance`, undefined, q),
    entries: (id: string, q?: Query) => this.pager(`/v1/wallets/${this.e(id)}/entries`, q),
    setStatus: (id: string, b: unknown, o?: Options) => this.call('POST', `/v1/wallets/${this.e(id)}/status`, b, undefined, o),
    instruments: (id: string) => this.call('GET', `/v1/wallets/${this.e(id)}/instruments`),
    cards: (id: string) => this.call('GET', `/v1/wallets/${this.e(id)}/cards`),
  };
  private poster = (path: string) => ({ create: (b: unknown, o?: Options) => this.call('POST', path, b, undefined, o) });
  topups = this.poster('/v1/topups');
  withdrawals = this.poster('/v1/withdrawals');
  transfers = this.poster('/v1/transfers');
  exchanges = this.poster('/v1/exchanges');
  quotes = this.poster('/v1/quotes');
  rates = {
    set: (a: string, b: string, body: unknown, o?: Options) => this.call('PUT', `/v1/rates/${this.e(a)}/${this.e(b)}`, body, undefined, o),
    list: (q?: Query) => this.pager('/v1/rates', q),
  };
  holds = {
    create: (b: unknown, o?: Options) => this.call('POST', '/v1/holds', b, undefined, o),
    capture: (id: string, b?: unknown, o?: Options) => this.call('POST', `/v1/holds/${this.e(id)}/capture`, b ?? {}, undefined, o),
    void: (id: string, o?: Options) => this.call('POST', `/v1/holds/${this.e(id)}/void`, {}, undefined, o),
  };
  pendingCredits = {
    create: (b: unknown, o?: Options) => this.call('POST', '/v1/pending-credits', b, undefined, o),
    settle: (id: string, b?: unknown, o?: Options) => this.call('POST', `/v1/pending-credits/${this.e(id)}/settle`, b ?? {}, undefined, o),
    fail: (id: string, b?: unknown, o?: Options) => this.call('POST', `/v1/pending-credits/${this.e(id)}/fail`, b ?? {}, undefined, o),
  };
  transactions = {
    list: (q?: Query) => this.pager('/v1/transactions', q),
    get: (id: string) => this.call('GET', `/v1/transactions/${this.e(id)}`),
    reverse: (id: string, b?: unknown, o?: Options) => this.call('POST', `/v1/transactions/${this.e(id)}/reverse`, b ?? {}, undefined, o),
  };
  reports = { trialBalance: () => this.call('GET', '/v1/reports/trial-balance') };
  verify = { run: () => this.call('GET', '/v1/reports/verify') };
  events = {
    list: (q?: Query) => this.pager('/v1/events', q),
    stream: (o: { after?: string; signal?: AbortSignal }) => this.stream(o),
  };
  private async *stream(o: { after?: string; signal?: AbortSignal }) {
    const url = new URL('/v1/events/stream', this.options.baseUrl);
    if (o.after) url.searchParams.set('after', o.after);
    const response = await fetch(url, { headers: { authorization: `Bearer ${this.options.apiKey}` }, signal: o.signal });
    if (!response.ok || !response.body) throw new CofferError(response.status, await response.json().catch(() => ({})), null);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
        if (data) yield JSON.parse(data);
      }
    }
  }
  webhooks = {
    create: (b: unknown, o?: Options) => this.call('POST', '/v1/webhooks', b, undefined, o),
    list: (q?: Query) => this.pager('/v1/webhooks', q),
    update: (id: string, b: unknown, o?: Options) => this.call('PATCH', `/v1/webhooks/${this.e(id)}`, b, undefined, o),
    deliveries: (id: string, q?: Query) => this.pager(`/v1/webhooks/${this.e(id)}/deliveries`, q),
    replay: (id: string, d: string, o?: Options) => this.call('POST', `/v1/webhooks/${this.e(id)}/deliveries/${this.e(d)}/replay`, undefined, undefined, o),
  };
  apiKeys = {
    create: (b: unknown, o?: Options) => this.call('POST', '/v1/api-keys', b, undefined, o),
    list: (q?: Query) => this.pager('/v1/api-keys', q),
    revoke: (id: string, o?: Options) => this.call('POST', `/v1/api-keys/${this.e(id)}/revoke`, undefined, undefined, o),
  };
  auditLog = { list: (q?: Query) => this.pager('/v1/audit-log', q) };
  instruments = { find: (q: Query) => this.call('GET', '/v1/instruments', undefined, q) };
}
