-- Exchange: the current rate of each ordered currency pair, every rate ever set (who, when),
-- quotes that lock a rate for one exchange, and the exchange facts on transactions.
-- Rates are stored as their canonical decimal text ("0.92") and read back into exact rationals.

create table rates (
  base_currency_id uuid not null references currencies (id),
  quote_currency_id uuid not null references currencies (id),
  rate text not null check (rate ~ '^[0-9]+(\.[0-9]+)?$'),
  set_by text,
  set_at timestamptz not null,
  primary key (base_currency_id, quote_currency_id),
  check (base_currency_id <> quote_currency_id)
);

create table rate_history (
  id bigint generated always as identity primary key,
  base_currency_id uuid not null references currencies (id),
  quote_currency_id uuid not null references currencies (id),
  rate text not null check (rate ~ '^[0-9]+(\.[0-9]+)?$'),
  set_by text,
  set_at timestamptz not null
);

create index rate_history_pair on rate_history (base_currency_id, quote_currency_id, id);

create table quotes (
  id uuid primary key,
  merchant_id text,
  from_currency_id uuid not null references currencies (id),
  to_currency_id uuid not null references currencies (id),
  rate text not null check (rate ~ '^[0-9]+(\.[0-9]+)?$'),
  rate_set_at timestamptz not null,
  amount bigint not null check (amount > 0),
  target_amount bigint not null check (target_amount > 0),
  created_by text,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  transaction_id uuid references transactions (id),
  check (from_currency_id <> to_currency_id),
  check ((used_at is null) = (transaction_id is null))
);

alter table transactions add column exchange_rate text check (exchange_rate ~ '^[0-9]+(\.[0-9]+)?$');

alter table transactions add column quote_id uuid references quotes (id);

alter table transactions add column target_currency_id uuid references currencies (id);

alter table transactions add column target_amount bigint check (target_amount > 0);

create unique index transactions_quote on transactions (quote_id) where quote_id is not null
