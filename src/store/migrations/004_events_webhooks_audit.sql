-- Events, their gap-free feed, webhook endpoints and deliveries, and the audit log.
-- An event is inserted in the database transaction of the change it describes, with no feed
-- position; the sealer numbers committed events later, one sealer at a time (see docs/events.md).

create table events (
  id uuid primary key,
  insert_seq bigint generated always as identity unique,
  position bigint unique,
  type text not null,
  merchant_id text,
  subject_id uuid not null,
  data jsonb not null,
  created_at timestamptz not null
);

create index events_unsealed on events (insert_seq) where position is null;
create index events_merchant on events (merchant_id, position) where position is not null;

create table event_feed (
  singleton boolean primary key default true check (singleton),
  last_position bigint not null default 0
);

insert into event_feed (singleton, last_position) values (true, 0);

create table webhook_endpoints (
  id uuid primary key,
  merchant_id text,
  url text not null,
  description text,
  event_types text[] not null,
  secret text not null,
  status text not null default 'active' check (status in ('active', 'disabled')),
  disabled_reason text,
  api_key_id uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create index webhook_endpoints_merchant on webhook_endpoints (merchant_id, id);

create table webhook_deliveries (
  id uuid primary key,
  endpoint_id uuid not null references webhook_endpoints (id),
  event_id uuid not null references events (id),
  status text not null check (status in ('pending', 'succeeded', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz,
  lease_until timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (endpoint_id, event_id)
);

create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, id);

create table webhook_attempts (
  id bigint generated always as identity primary key,
  delivery_id uuid not null references webhook_deliveries (id),
  attempt integer not null,
  status_code integer,
  error text,
  duration_ms integer not null,
  attempted_at timestamptz not null
);

create index webhook_attempts_delivery on webhook_attempts (delivery_id, id);

create table audit_log (
  seq bigint generated always as identity primary key,
  id uuid not null unique,
  action text not null,
  subject_type text not null,
  subject_id text not null,
  merchant_id text,
  api_key_id uuid,
  request_id text,
  changes jsonb not null,
  created_at timestamptz not null
);

create index audit_log_merchant on audit_log (merchant_id, seq);
create index audit_log_subject on audit_log (subject_id, seq)
