-- Holds and pending credits resolve later: when they are due, when and how much was captured.
-- Bank identifiers (instruments) and cards linked to wallets. A card's full number is never
-- stored: only its masked form and a keyed hash (to keep numbers unique).

alter table transactions add column expires_at timestamptz;
alter table transactions add column resolved_at timestamptz;
alter table transactions add column captured_amount bigint check (captured_amount is null or (captured_amount >= 0 and captured_amount <= amount));

create index transactions_due_holds on transactions (expires_at) where status = 'pending' and kind = 'hold';
create index transactions_open on transactions (kind, status, seq) where status = 'pending';

create table instruments (
  id uuid primary key,
  wallet_id uuid not null references wallets (id),
  kind text not null check (kind in ('iban', 'uk_account', 'us_account')),
  iban text,
  bic text,
  sort_code text,
  routing_number text,
  account_number text,
  active boolean not null default true,
  created_at timestamptz not null,
  deactivated_at timestamptz
);

create unique index instruments_iban on instruments (iban) where iban is not null;
create unique index instruments_uk on instruments (sort_code, account_number) where sort_code is not null;
create unique index instruments_us on instruments (routing_number, account_number) where routing_number is not null;
create index instruments_wallet on instruments (wallet_id, id);

create sequence instrument_account_seq;

create table cards (
  id uuid primary key,
  wallet_id uuid not null references wallets (id),
  kind text not null check (kind in ('plastic', 'virtual')),
  masked_number text not null,
  number_hash text not null unique,
  name text,
  expiration_date date not null,
  active boolean not null default true,
  destroyed_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create index cards_wallet on cards (wallet_id, id);
