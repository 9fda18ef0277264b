-- Coffer's first schema: currencies, wallets with their four balance counters, transactions
-- with their entries, idempotency keys and API keys. Counters are numeric(39,0): cumulative
-- sums of int8 amounts, as wide as TigerBeetle's u128, so they cannot overflow in practice.

create table currencies (
  id uuid primary key,
  code text not null check (code ~ '^[A-Z0-9_]{1,12}$'),
  numeric_code text,
  name text not null,
  symbol text,
  fraction bigint not null check (fraction > 0),
  asset_type text not null check (asset_type in ('fiat', 'crypto', 'emoney', 'points')),
  active boolean not null default true,
  serial_prefix text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create index currencies_code on currencies (code, id);

create sequence wallet_serial_seq;

create table wallets (
  id uuid primary key,
  serial text not null unique,
  name text,
  currency_id uuid not null references currencies (id),
  category text not null check (category in ('client', 'system')),
  type text not null,
  merchant_id text,
  customer_id text,
  external_id text,
  alias text,
  program text,
  main boolean not null default false,
  accounting boolean not null default false,
  credit_limit bigint not null default 0 check (credit_limit >= 0),
  parent_wallet_id uuid references wallets (id),
  status text not null default 'active' check (status in ('active', 'blocked', 'closed')),
  status_reason text,
  status_description text,
  status_changed_at timestamptz,
  status_changed_by text,
  metadata jsonb not null default '{}',
  debits_posted numeric(39, 0) not null default 0 check (debits_posted >= 0),
  credits_posted numeric(39, 0) not null default 0 check (credits_posted >= 0),
  debits_pending numeric(39, 0) not null default 0 check (debits_pending >= 0),
  credits_pending numeric(39, 0) not null default 0 check (credits_pending >= 0),
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create unique index wallets_external_id on wallets (coalesce(merchant_id, ''), external_id) where external_id is not null;
create unique index wallets_main on wallets (customer_id, currency_id) where main and customer_id is not null and status <> 'closed';
create unique index wallets_system on wallets (currency_id, type) where category = 'system';
create index wallets_currency on wallets (currency_id, id);
create index wallets_merchant on wallets (merchant_id, id);
create index wallets_customer on wallets (customer_id, id);
create index wallets_parent on wallets (parent_wallet_id) where parent_wallet_id is not null;

create table transactions (
  id uuid primary key,
  seq bigint generated always as identity unique,
  kind text not null,
  status text not null check (status in ('pending', 'posted', 'voided', 'expired', 'failed')),
  merchant_id text,
  currency_id uuid not null references currencies (id),
  amount bigint not null check (amount > 0),
  from_wallet_id uuid references wallets (id),
  to_wallet_id uuid references wallets (id),
  description text,
  reference text,
  reason text,
  metadata jsonb not null default '{}',
  fees jsonb not null default '[]',
  reverses_id uuid references transactions (id),
  reversed_amount bigint not null default 0 check (reversed_amount >= 0 and reversed_amount <= amount),
  api_key_id uuid,
  created_at timestamptz not null,
  posted_at timestamptz
);

create index transactions_from_wallet on transactions (from_wallet_id, seq);
create index transactions_to_wallet on transactions (to_wallet_id, seq);
create index transactions_merchant on transactions (merchant_id, seq);
create index transactions_reverses on transactions (reverses_id) where reverses_id is not null;

create table entries (
  id bigint generated always as identity primary key,
  transaction_id uuid not null references transactions (id),
  wallet_id uuid not null references wallets (id),
  balance_wallet_id uuid not null references wallets (id),
  currency_id uuid not null references currencies (id),
  direction text not null check (direction in ('debit', 'credit')),
  amount bigint not null check (amount <> 0),
  pending boolean not null,
  balance_after numeric(40, 0) not null,
  created_at timestamptz not null
);

create index entries_wallet on entries (wallet_id, id);
create index entries_balance_wallet on entries (balance_wallet_id, id);
create index entries_transaction on entries (transaction_id);

create table idempotency_keys (
  scope text not null,
  key text not null,
  request_hash text not null,
  state text not null check (state in ('in_flight', 'done')),
  status_code integer,
  response jsonb,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  primary key (scope, key)
);

create index idempotency_keys_expires on idempotency_keys (expires_at);

create table api_keys (
  id uuid primary key,
  name text,
  prefix text not null,
  last4 text not null,
  key_hash text not null unique,
  role text not null check (role in ('admin', 'merchant')),
  merchant_id text,
  scopes text[] not null,
  created_at timestamptz not null,
  revoked_at timestamptz,
  check (role = 'admin' or merchant_id is not null)
);
