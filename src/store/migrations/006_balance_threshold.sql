-- A wallet may name a low-balance threshold: when a posting takes its available balance from at
-- or above the threshold to below it, a wallet.balance_below_threshold event is written.
alter table wallets add column low_balance_threshold bigint
