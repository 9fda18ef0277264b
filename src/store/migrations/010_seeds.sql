-- Paynetics-style accounts (the /compat/paynetics view): an account groups a customer's wallets
-- in one program, one per currency (several when the program is multicurrency). The wallets
-- hold the money; this table only names the group, its owner and its primary account.
create table compat_accounts (
  token uuid primary key,
  merchant_id text,
  customer_id text,
  program text not null,
  main_token uuid references compat_accounts (token),
  alias text,
  created_at timestamptz not null
);

create index compat_accounts_owner on compat_accounts (merchant_id, customer_id, program, token);

create table compat_account_wallets (
  token uuid not null references compat_accounts (token),
  wallet_id uuid not null unique references wallets (id),
  position integer not null,
  primary key (token, position)
);

-- Every status change of a wallet, so a reactivation keeps the deactivation history readable
-- (GET /v1/wallets/{id}/status-history).
create table wallet_status_history (
  id uuid primary key,
  wallet_id uuid not null references wallets (id),
  status text not null,
  previous_status text not null,
  reason text,
  description text,
  changed_by text,
  changed_at timestamptz not null
);

create index wallet_status_history_wallet on wallet_status_history (wallet_id, id);

-- Custom currency codes may be lower case ("btc", "usdt", as in the crypto/fiat seed).
alter table currencies drop constraint if exists currencies_code_check;
alter table currencies add constraint currencies_code_check check (code ~ '^[A-Za-z0-9_]{1,12}$');
