-- Cards in full: a card's own freeze is kept apart from its wallet's block (a card frozen by
-- itself stays frozen when the wallet is unblocked; one frozen only by the block thaws with it),
-- a replacement names the card it replaces, and card authorizations link a hold to its card.
-- Instruments in full: a verification status and whether the identifier was verified outside.

alter table cards add column frozen_at timestamptz;
alter table cards add column replaces_card_id uuid references cards (id);

create table card_authorizations (
  -- The authorization's id is its hold's id: the hold's transaction carries the money.
  id uuid primary key references transactions (id),
  card_id uuid not null references cards (id),
  merchant_name text,
  created_at timestamptz not null
);

create index card_authorizations_card on card_authorizations (card_id, id);

-- Identifiers Coffer generates are its own: verified unless an admin says otherwise.
alter table instruments add column status text not null default 'VERIFIED'
  check (status in ('VERIFIED', 'UNVERIFIED', 'VERIFICATION_REQUIRED', 'REJECTED'));
alter table instruments add column externally_verified boolean not null default false;
alter table instruments add column updated_at timestamptz;
