-- Every process caches valid API keys for a moment (COFFER_API_KEY_CACHE_MS). A revocation, or any
-- change or removal of a key, is announced on the channel coffer_api_keys when it commits, whoever
-- made it (another Coffer process, an operator in psql): processes that LISTEN forget their cache
-- at once (services/api-key-invalidation.ts). The body is on one line: the migration runner
-- splits statements at semicolons that end a line.
create or replace function coffer_api_keys_changed() returns trigger language plpgsql as $$ begin perform pg_notify('coffer_api_keys', coalesce(new.id, old.id)::text); return null; end $$;

drop trigger if exists api_keys_notify on api_keys;

create trigger api_keys_notify after update or delete on api_keys for each row execute function coffer_api_keys_changed();
