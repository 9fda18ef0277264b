-- The tamper-evident journal: every committed ledger transaction is chained in commit order.
-- Link n stores the canonical JSON (RFC 8785) of its transaction and entries as they were
-- when the link was written, and hash_n = sha256(hash_{n-1} || body_n). The single head row is
-- locked as the last lock of every money-moving database transaction, so commit order is chain
-- order. `transactions_before` records how many transactions predate the journal (they were
-- committed before this migration and are not chained).

create table journal (
  seq bigint primary key check (seq > 0),
  transaction_id uuid not null references transactions (id),
  previous_hash text not null check (previous_hash ~ '^[0-9a-f]{64}$'),
  hash text not null check (hash ~ '^[0-9a-f]{64}$'),
  body text not null
);

create index journal_transaction on journal (transaction_id, seq);

create table journal_head (
  id integer primary key check (id = 1),
  seq bigint not null,
  hash text not null,
  transactions_before bigint not null
);

insert into journal_head (id, seq, hash, transactions_before)
select 1, 0, '0000000000000000000000000000000000000000000000000000000000000000', coalesce(max(seq), 0) from transactions;
