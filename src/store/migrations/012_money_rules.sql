-- Payouts and pending credits name the bank account outside Coffer they go to or come from
-- (a withdrawal's destination, a pending credit's source): IBAN, UK or US account, and holder name.
alter table transactions add column counterparty jsonb;

-- Payouts waiting for the bank connector (withdrawals still pending), oldest first.
create index transactions_open_payouts on transactions (seq) where kind = 'withdrawal' and status = 'pending';
