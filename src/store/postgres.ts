import pg from 'pg';
import { type Database, DatabaseUnavailableError, isDatabaseUnavailable, type Queryable, type Row } from './database.js';
import { parsePostgresTargets, type SessionAttrs } from './pg-hosts.js';

export interface PostgresOptions {
  /** One host, or several libpq style (`postgres://h1:5432,h2:5433/db?target_session_attrs=read-write`). */
  readonly connectionString: string;
  /** Schema to use (created if missing): lets tests share one database in isolation. */
  readonly schema?: string;
  readonly poolSize?: number;
  /**
   * Named prepared statements (default on). Off (COFFER_PG_PREPARED=off) for a pooler in
   * transaction mode (PgBouncer before 1.21), where the next statement may reach another server
   * connection that never saw the PREPARE. docs/scaling.md.
   */
  readonly preparedStatements?: boolean;
  /** Called when the connector settles on a server (at start and after each failover), for the log. */
  readonly onServer?: (name: string) => void;
  /** A read replica: the schema is not created there (the primary's is replicated). */
  readonly replica?: boolean;
  /** How long a request waits for a server to be found before it is answered 503 (default 1000 ms). */
  readonly waitMs?: number;
}

/** The connector's view of where it is connected, for /readyz and tests. */
export interface PostgresDatabase extends Database {
  /** `host:port` of the server in use, or null while looking for one. */
  server(): string | null;
}

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid schema name ${name}`);
  return `"${name}"`;
}

/** Distinct statement texts prepared by name; any beyond it run unnamed (dynamic SQL in tests and tools). */
const preparedStatementsMax = 500;
/** How often the hosts are tried again while none fits (after a failover, until the new primary answers). */
const rediscoverEveryMs = 100;
const probeTimeoutMs = 1500;
/** At start the servers may still be coming up: look this long before giving up. */
const startWaitMs = 15_000;

/** Does the server behind `url` fit `attrs`? Also creates the schema there when asked (tests). */
async function probe(url: string, attrs: SessionAttrs, schema: string | undefined): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: probeTimeoutMs, query_timeout: probeTimeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    if (attrs !== 'any') {
      const { rows } = await client.query<{ recovery: boolean; read_only: string }>(
        `select pg_is_in_recovery() as recovery, current_setting('transaction_read_only') as read_only`,
      );
      const readOnly = rows[0]?.recovery === true || rows[0]?.read_only === 'on';
      if (readOnly !== (attrs === 'read-only')) return false;
    }
    if (schema !== undefined) {
      await client.query(`create schema if not exists ${quoteIdentifier(schema)}`).catch((error: unknown) => {
        // Two processes creating the schema at once: "if not exists" can still race; the other one won.
        if ((error as { code?: string }).code !== '23505') throw error;
      });
    }
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * PostgreSQL through a `pg` pool, on the first of the configured hosts that fits
 * `target_session_attrs`. When a statement fails because the server went away or cannot write
 * (a failover), the pool is dropped and the hosts are tried again every 100 ms in the background;
 * meanwhile statements fail at once with `DatabaseUnavailableError` (the API answers 503 with
 * Retry-After). A database transaction cut off this way is rolled back by the server, or was
 * committed whole: never half. With one host and no `target_session_attrs`, the pool simply
 * reconnects to that host.
 */
export async function connectPostgres(options: PostgresOptions): Promise<PostgresDatabase> {
  const targets = parsePostgresTargets(options.connectionString);
  const chooses = targets.urls.length > 1 || targets.sessionAttrs !== 'any';
  const waitMs = options.waitMs ?? 1000;
  let current: { pool: pg.Pool; name: string; url: string } | null = null;
  let discovery: Promise<pg.Pool> | null = null;
  let closed = false;

  const makePool = (url: string) => {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 20,
      connectionTimeoutMillis: 5000,
      ...(options.schema !== undefined ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // A pooled connection that dies (database restarted) must not crash the process.
    pool.on('error', (error) => {
      if (chooses && isDatabaseUnavailable(error)) lost(pool);
    });
    return pool;
  };

  /**
   * The index of a host that fits, or null. With `target_session_attrs` naming a role (one
   * primary at a time), every host is probed at once and the first to answer that it fits wins:
   * a host that hangs (a primary being demoted) costs nothing while its successor answers. With
   * `any`, hosts are tried in the listed order, as libpq does.
   */
  const firstFitting = async (): Promise<number | null> => {
    if (targets.sessionAttrs === 'any') {
      for (const [index, url] of targets.urls.entries()) {
        if (await probe(url, targets.sessionAttrs, options.schema).catch(() => false)) return index;
      }
      return null;
    }
    return Promise.any(
      targets.urls.map(async (url, index) => {
        if (!(await probe(url, targets.sessionAttrs, options.schema))) throw new Error('does not fit');
        return index;
      }),
    ).catch(() => null);
  };

  const discover = (): Promise<pg.Pool> => {
    discovery ??= (async () => {
      for (;;) {
        if (closed) throw new DatabaseUnavailableError('the database connection is closed');
        const index = await firstFitting();
        if (index !== null) {
          if (closed) throw new DatabaseUnavailableError('the database connection is closed');
          const url = targets.urls[index] as string;
          const name = targets.names[index] as string;
          current = { pool: makePool(url), name, url };
          options.onServer?.(name);
          return current.pool;
        }
        await new Promise((resolve) => setTimeout(resolve, rediscoverEveryMs));
      }
    })().finally(() => {
      discovery = null;
    });
    return discovery;
  };

  /** The server behind `pool` is gone or cannot write: look for the (new) primary. */
  const lost = (pool: pg.Pool) => {
    if (!chooses || current?.pool !== pool) return;
    current = null;
    pool.end().catch(() => undefined);
    discover().catch(() => undefined);
  };

  const poolFor = async (limitMs: number): Promise<pg.Pool> => {
    if (current !== null) return current.pool;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new DatabaseUnavailableError(
              `no ${targets.sessionAttrs === 'read-write' ? 'writable primary' : 'database server'} among ${targets.names.join(', ')}`,
            ),
          ),
        limitMs,
      );
    });
    try {
      return await Promise.race([discover(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  /** Runs `action` on the current pool; an error that says the server is gone marks it lost and becomes a DatabaseUnavailableError. */
  const onPool = async <T>(action: (pool: pg.Pool) => Promise<T>): Promise<T> => {
    const pool = await poolFor(waitMs);
    try {
      return await action(pool);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      lost(pool);
      throw new DatabaseUnavailableError(`the database server went away (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
  };

  if (chooses) {
    await poolFor(startWaitMs);
  } else {
    if (options.schema !== undefined && options.replica !== true) await probe(targets.urls[0] as string, 'any', options.schema);
    current = { pool: makePool(targets.urls[0] as string), name: targets.names[0] as string, url: targets.urls[0] as string };
    options.onServer?.(current.name);
  }

  // Parameterised statements are named, so each connection parses and plans one once and then
  // only binds and executes it (the posting path sends the same dozen statements all day long).
  const prepared = options.preparedStatements ?? true;
  const names = new Map<string, string>();
  const nameOf = (sql: string): string | undefined => {
    if (!prepared) return undefined;
    let name = names.get(sql);
    if (name === undefined && names.size < preparedStatementsMax) {
      name = `coffer_${names.size + 1}`;
      names.set(sql, name);
    }
    return name;
  };
  const run = async <R extends Row>(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<R[]> => {
    const name = params !== undefined && params.length > 0 ? nameOf(sql) : undefined;
    const result = await (name !== undefined
      ? client.query<R>({ name, text: sql, values: params as unknown[] })
      : client.query<R>(sql, params as unknown[] | undefined));
    return result.rows;
  };

  return {
    backend: 'postgres',
    server: () => current?.name ?? null,
    query: (sql, params) => onPool((pool) => run(pool, sql, params)),
    transaction<T>(fn: (dbTx: Queryable) => Promise<T>): Promise<T> {
      return onPool(async (pool) => {
        const client = await pool.connect();
        let broken = false;
        // While checked out, a client has no pool listener: a connection lost between queries
        // (the database restarted) would otherwise be an unhandled 'error' event and end the process.
        const onError = () => {
          broken = true;
        };
        client.on('error', onError);
        try {
          await client.query('begin');
          const result = await fn({ query: (sql, params) => run(client, sql, params) });
          await client.query('commit');
          return result;
        } catch (error) {
          if (isDatabaseUnavailable(error)) broken = true;
          await client.query('rollback').catch(() => {
            broken = true;
          });
          throw error;
        } finally {
          client.off('error', onError);
          client.release(broken);
        }
      });
    },
    async listen(channel, onMessage, onGap) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
      let stopped = false;
      let client: pg.Client | null = null;
      const connect = async (): Promise<void> => {
        while (!stopped && !closed) {
          const url = current?.url;
          if (url !== undefined) {
            const candidate = new pg.Client({ connectionString: url, connectionTimeoutMillis: probeTimeoutMs });
            candidate.on('error', () => undefined);
            try {
              await candidate.connect();
              await candidate.query(`listen ${channel}`);
              candidate.on('notification', (message) => onMessage(message.payload ?? ''));
              candidate.on('end', () => {
                if (client !== candidate) return;
                client = null;
                onGap();
                if (!stopped && !closed) void connect();
              });
              client = candidate;
              onGap();
              return;
            } catch {
              await candidate.end().catch(() => undefined);
            }
          }
          await new Promise((resolve) => setTimeout(resolve, rediscoverEveryMs * 2));
        }
      };
      await connect();
      return async () => {
        stopped = true;
        const open = client;
        client = null;
        await open?.end().catch(() => undefined);
      };
    },
    async close() {
      closed = true;
      await discovery?.catch(() => undefined);
      const pool = current?.pool;
      current = null;
      await pool?.end();
    },
  };
}
