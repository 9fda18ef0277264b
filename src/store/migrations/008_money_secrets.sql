-- Issue 12 (money and secrets). See docs/security.md.

-- "One main wallet per customer and currency" holds per merchant: another merchant's customer
-- with the same id neither blocks nor reveals anything (a null merchant is a scope of its own).
drop index wallets_main;
create unique index wallets_main on wallets (coalesce(merchant_id, ''), customer_id, currency_id) where main and customer_id is not null and status <> 'closed';

-- A movement between wallets of different owners belongs to no merchant (only an admin may
-- reverse, capture, void, settle or fail it). Earlier ones were owned by their first wallet's merchant.
update transactions t set merchant_id = null
where t.merchant_id is not null
  and exists (
    select 1 from wallets w
    where w.id in (t.from_wallet_id, t.to_wallet_id) and w.category <> 'system' and w.merchant_id is distinct from t.merchant_id
  );

-- The ISO import is idempotent: the currency imported for an ISO code is marked with it, once.
-- Earlier imports are recognised by their numeric code (the oldest currency of each ISO-shaped code).
alter table currencies add column iso_code text;
update currencies c set iso_code = c.code
where c.numeric_code is not null and c.code ~ '^[A-Z]{3}$'
  and c.id = (select c2.id from currencies c2 where c2.code = c.code and c2.numeric_code is not null order by c2.created_at, c2.id limit 1);
create unique index currencies_iso_code on currencies (iso_code) where iso_code is not null;

-- Webhook signing secrets are stored encrypted (AES-256-GCM, `v1:` format, key derived from the
-- master secret; rows still in plain text are encrypted by the server at start). A rotation keeps
-- the previous secret, encrypted too, until its grace period ends.
alter table webhook_endpoints add column previous_secret text;
alter table webhook_endpoints add column previous_secret_expires_at timestamptz;

-- Card number hashes made before the keyed hash came from the master secret used a key that
-- was in the source: they are dropped (they only kept generated numbers unique).
update cards set number_hash = 'legacy:' || id::text where number_hash not like 'legacy:%'
