-- Access (issue 12): the `issue` scope, per-key rate limits, and the admin key set by COFFER_ADMIN_KEY.
--
-- `issue` (creating money or credit) is new. Keys that could write could top up before this
-- migration, so they keep that power: every existing key with `write` also gets `issue`, and an
-- operator narrows merchant keys with PATCH /v1/api-keys/{id} (docs/security.md). Keys created
-- from now on get `issue` only when it is asked for.
update api_keys set scopes = array_append(scopes, 'issue') where 'write' = any(scopes) and not ('issue' = any(scopes));

-- Requests per minute this key may make; null: no limit (the default).
alter table api_keys add column rate_limit_per_minute integer check (rate_limit_per_minute is null or rate_limit_per_minute > 0);

-- The key COFFER_ADMIN_KEY created: a new value revokes it.
alter table api_keys add column from_env boolean not null default false;
update api_keys set from_env = true where name = 'COFFER_ADMIN_KEY' and role = 'admin';

-- A list shows at most a short prefix of any key: keys that do not look like coffer_sk_…
-- (an operator's own COFFER_ADMIN_KEY) keep their first 4 characters and no last 4.
update api_keys set prefix = left(prefix, 4), last4 = '' where prefix not like 'coffer\_sk\_%';
