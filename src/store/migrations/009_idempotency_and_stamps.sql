-- Idempotency keys are stored hashed (SHA-256 of scope, newline, key, in hex): a key is never
-- refused for what it holds, and nothing a client put in one is kept. A claim carries a lease,
-- renewed while its request runs: a claim left by a process that died is taken over once its
-- lease ends (seconds), not after a fixed minute.
update idempotency_keys set key = encode(sha256(convert_to(scope || E'\n' || key, 'UTF8')), 'hex');
alter table idempotency_keys add column lease_until timestamptz;
update idempotency_keys set lease_until = created_at + interval '60 seconds' where state = 'in_flight';

-- Entries are stamped in commit order: a group stamps its entries once it holds the journal head
-- (the last lock every money write takes), later than the previous group's stamp, so a balance
-- read with ?at= never changes afterwards.
alter table journal_head add column stamped_at timestamptz;
