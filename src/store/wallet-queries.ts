import type { Counters } from '../domain/balance.js';
import type { LockedWallet, NewWallet, Wallet, WalletCategory, WalletFilter, WalletPatch, WalletRef, WalletState, WalletStatus } from '../domain/wallet.js';
import type { Queryable, Row } from './database.js';
import { big, bigOrNull, countersOf, date, dateOrNull, json, text, textOrNull } from './rows.js';
import type { Params } from './sql-parts.js';

export function toWallet(row: Row): Wallet {
  return {
    id: text(row.id),
    serial: text(row.serial),
    name: textOrNull(row.name),
    currencyId: text(row.currency_id),
    category: text(row.category) as WalletCategory,
    type: text(row.type),
    merchantId: textOrNull(row.merchant_id),
    customerId: textOrNull(row.customer_id),
    externalId: textOrNull(row.external_id),
    alias: textOrNull(row.alias),
    program: textOrNull(row.program),
    main: Boolean(row.main),
    accounting: Boolean(row.accounting),
    creditLimit: big(row.credit_limit),
    lowBalanceThreshold: bigOrNull(row.low_balance_threshold),
    parentWalletId: textOrNull(row.parent_wallet_id),
    status: text(row.status) as WalletStatus,
    statusReason: textOrNull(row.status_reason),
    statusDescription: textOrNull(row.status_description),
    statusChangedAt: dateOrNull(row.status_changed_at),
    statusChangedBy: textOrNull(row.status_changed_by),
    metadata: json<Record<string, string>>(row.metadata),
    counters: countersOf(row),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

export function toWalletState(wallet: Wallet): WalletState {
  return {
    id: wallet.id,
    currencyId: wallet.currencyId,
    category: wallet.category,
    status: wallet.status,
    creditLimit: wallet.creditLimit,
    parentWalletId: wallet.parentWalletId,
    counters: wallet.counters,
  };
}

/** The filters of a wallet list, $1 to $9: shared by the list and its count. */
const walletFilterWhere = `($1::text is null or merchant_id = $1) and ($2::text is null or customer_id = $2)
  and ($3::uuid is null or currency_id = $3) and ($4::text is null or category = $4)
  and ($5::text is null or type = $5) and ($6::text is null or status = $6)
  and ($7::text is null or program = $7) and ($8::text is null or external_id = $8)
  and ($9::uuid is null or parent_wallet_id = $9)`;

function walletFilterParams(filter: Omit<WalletFilter, 'afterId' | 'limit'>): unknown[] {
  return [
    filter.merchantId ?? null,
    filter.customerId ?? null,
    filter.currencyId ?? null,
    filter.category ?? null,
    filter.type ?? null,
    filter.status ?? null,
    filter.program ?? null,
    filter.externalId ?? null,
    filter.parentWalletId ?? null,
  ];
}

/** Sets many wallets' counters in one statement (their rows locked by the caller). */
export function writeCountersSql(p: Params, counters: ReadonlyMap<string, Counters>, now: Date): string {
  const ids: string[] = [];
  const columns: [string[], string[], string[], string[]] = [[], [], [], []];
  for (const [id, value] of counters) {
    ids.push(id);
    columns[0].push(value.debitsPosted.toString());
    columns[1].push(value.creditsPosted.toString());
    columns[2].push(value.debitsPending.toString());
    columns[3].push(value.creditsPending.toString());
  }
  return `update wallets w set debits_posted = v.dp, credits_posted = v.cp, debits_pending = v.dn, credits_pending = v.cn, updated_at = ${p.add(now, 'timestamptz')}
   from unnest(${p.add(ids, 'uuid[]')}, ${p.add(columns[0], 'numeric[]')}, ${p.add(columns[1], 'numeric[]')}, ${p.add(columns[2], 'numeric[]')},
               ${p.add(columns[3], 'numeric[]')}) as v(id, dp, cp, dn, cn)
   where w.id = v.id`;
}

export function walletQueries(db: Queryable) {
  /** Inserts wallets in one statement (each serial: its currency prefix + the next number of a sequence, never reused); answers them in the order given. */
  async function insertWallets(wallets: readonly { readonly wallet: NewWallet; readonly serialPrefix: string | null }[]): Promise<Wallet[]> {
    if (wallets.length === 0) return [];
    const params: unknown[] = [];
    const tuples = wallets.map(({ wallet, serialPrefix }) => {
      const base = params.length;
      params.push(
        wallet.id,
        serialPrefix,
        wallet.name,
        wallet.currencyId,
        wallet.category,
        wallet.type,
        wallet.merchantId,
        wallet.customerId,
        wallet.externalId,
        wallet.alias,
        wallet.program,
        wallet.main,
        wallet.accounting,
        wallet.creditLimit.toString(),
        wallet.parentWalletId,
        wallet.status,
        JSON.stringify(wallet.metadata),
        wallet.createdAt,
        wallet.updatedAt,
        wallet.lowBalanceThreshold?.toString() ?? null,
      );
      const p = (n: number) => `$${base + n}`;
      return `(${p(1)}::uuid, coalesce(${p(2)}::text, '') || lpad(nextval('wallet_serial_seq')::text, 10, '0'), ${p(3)}::text, ${p(4)}::uuid, ${p(5)}::text, ${p(6)}::text, ${p(7)}::text, ${p(8)}::text, ${p(9)}::text, ${p(10)}::text, ${p(11)}::text, ${p(12)}::boolean, ${p(13)}::boolean, ${p(14)}::numeric, ${p(15)}::uuid, ${p(16)}::text, ${p(17)}::jsonb, ${p(18)}::timestamptz, ${p(19)}::timestamptz, ${p(20)}::numeric)`;
    });
    const rows = await db.query(
      `insert into wallets (id, serial, name, currency_id, category, type, merchant_id, customer_id, external_id, alias, program,
                            main, accounting, credit_limit, parent_wallet_id, status, metadata, created_at, updated_at, low_balance_threshold)
       values ${tuples.join(',\n')}
       returning *`,
      params,
    );
    const byId = new Map(rows.map((row) => [String(row.id), toWallet(row)]));
    return wallets.map(({ wallet }) => byId.get(wallet.id) as Wallet);
  }

  return {
    /** Inserts a wallet; its serial is the currency prefix + the next number of a sequence, so it is never reused. */
    async insertWallet(wallet: NewWallet, serialPrefix: string | null): Promise<Wallet> {
      const [inserted] = await insertWallets([{ wallet, serialPrefix }]);
      return inserted as Wallet;
    },

    insertWallets,

    async getWallet(id: string): Promise<Wallet | null> {
      const rows = await db.query('select * from wallets where id = $1', [id]);
      return rows[0] === undefined ? null : toWallet(rows[0]);
    },

    async findWalletByExternalId(merchantId: string | null, externalId: string): Promise<Wallet | null> {
      const rows = await db.query(`select * from wallets where coalesce(merchant_id, '') = coalesce($1, '') and external_id = $2`, [merchantId, externalId]);
      return rows[0] === undefined ? null : toWallet(rows[0]);
    },

    /** The wallets of one merchant (null: none) with any of these externalIds: a bulk onboarding's lookup in one query. */
    async findWalletsByExternalIds(merchantId: string | null, externalIds: readonly string[]): Promise<Wallet[]> {
      if (externalIds.length === 0) return [];
      const rows = await db.query(`select * from wallets where coalesce(merchant_id, '') = coalesce($1, '') and external_id = any($2::text[])`, [
        merchantId,
        [...externalIds],
      ]);
      return rows.map(toWallet);
    },

    async findMainWallet(customerId: string, currencyId: string): Promise<Wallet | null> {
      const rows = await db.query(`select * from wallets where customer_id = $1 and currency_id = $2 and main and status <> 'closed'`, [
        customerId,
        currencyId,
      ]);
      return rows[0] === undefined ? null : toWallet(rows[0]);
    },

    async systemWalletIds(currencyId: string): Promise<ReadonlyMap<string, string>> {
      const rows = await db.query(`select type, id from wallets where currency_id = $1 and category = 'system'`, [currencyId]);
      return new Map(rows.map((row) => [text(row.type), text(row.id)]));
    },

    async listWallets(filter: WalletFilter): Promise<Wallet[]> {
      const rows = await db.query(
        `select * from wallets
         where ${walletFilterWhere} and ($10::uuid is null or id > $10)
         order by id limit $11`,
        [...walletFilterParams(filter), filter.afterId ?? null, filter.limit],
      );
      return rows.map(toWallet);
    },

    /** How many wallets match `listWallets`' filters, whatever the cursor (`?include=total`). */
    async countWallets(filter: Omit<WalletFilter, 'afterId' | 'limit'>): Promise<number> {
      const rows = await db.query(`select count(*)::text as total from wallets where ${walletFilterWhere}`, walletFilterParams(filter));
      return Number(rows[0]?.total ?? 0);
    },

    async updateWallet(id: string, patch: WalletPatch, now: Date): Promise<Wallet | null> {
      const rows = await db.query(
        `update wallets set
           name = case when $2 then $3 else name end,
           alias = case when $4 then $5 else alias end,
           credit_limit = case when $6 then $7::bigint else credit_limit end,
           main = case when $8 then $9 else main end,
           metadata = case when $10 then $11::jsonb else metadata end,
           updated_at = $12,
           low_balance_threshold = case when $13 then $14::bigint else low_balance_threshold end
         where id = $1 returning *`,
        [
          id,
          patch.name !== undefined,
          patch.name ?? null,
          patch.alias !== undefined,
          patch.alias ?? null,
          patch.creditLimit !== undefined,
          patch.creditLimit?.toString() ?? null,
          patch.main !== undefined,
          patch.main ?? null,
          patch.metadata !== undefined,
          JSON.stringify(patch.metadata ?? {}),
          now,
          patch.lowBalanceThreshold !== undefined,
          patch.lowBalanceThreshold?.toString() ?? null,
        ],
      );
      return rows[0] === undefined ? null : toWallet(rows[0]);
    },

    /**
     * Locks the wallets (FOR UPDATE) in id order, the one order every writer uses, so two
     * transactions never wait on each other in a cycle. Returns them by id.
     */
    async lockWallets(ids: readonly string[]): Promise<Map<string, LockedWallet>> {
      const unique = [...new Set(ids)].sort();
      const rows = await db.query(
        `select w.*, c.active as currency_active, c.code as currency_code from wallets w join currencies c on c.id = w.currency_id
         where w.id = any($1::uuid[]) order by w.id for update of w`,
        [unique],
      );
      return new Map(
        rows.map((row) => [text(row.id), { ...toWallet(row), currencyActive: Boolean(row.currency_active), currencyCode: text(row.currency_code) }]),
      );
    },

    /** The immutable facts about wallets (currency, parent, owner, category), for planning before locking. */
    async walletRefs(ids: readonly string[]): Promise<WalletRef[]> {
      const rows = await db.query('select id, currency_id, parent_wallet_id, merchant_id, category, type from wallets where id = any($1::uuid[])', [
        [...new Set(ids)],
      ]);
      return rows.map((row) => ({
        id: text(row.id),
        currencyId: text(row.currency_id),
        parentWalletId: textOrNull(row.parent_wallet_id),
        merchantId: textOrNull(row.merchant_id),
        category: text(row.category) as WalletCategory,
        type: text(row.type),
      }));
    },
  };
}
