\set a random(1, 10000)
\set b random(1, 10000)
WITH d AS (UPDATE accounts SET balance = balance - 1 WHERE id = :a AND :a::int <> :b::int AND balance >= 1 RETURNING id),
     c AS (UPDATE accounts SET balance = balance + 1 WHERE id = :b AND EXISTS (SELECT 1 FROM d) RETURNING id),
     t AS (SELECT nextval('transfer_seq') AS tid FROM c)
INSERT INTO entries (transfer_id, account_id, amount) SELECT tid, :a::int, -1 FROM t UNION ALL SELECT tid, :b::int, 1 FROM t;
