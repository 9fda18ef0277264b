import pg from 'pg';
import type { Database, Queryable, Row } from './database.js';

export interface PostgresOptions {
  readonly connectionString: string;
  /** Schema to use (created if missing): lets tests share one database in isolation. */
  readonly schema?: string;
  readonly poolSize?: number;
}

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid schema name ${name}`);
  return `"${name}"`;
}

/** Distinct statement texts prepared by name; any beyond it run unnamed (dynamic SQL in tests and tools). */
const preparedStatementsMax = 500;

/** PostgreSQL through a `pg` pool. */
export async function connectPostgres(options: PostgresOptions): Promise<Database> {
  if (options.schema !== undefined) {
    const setup = new pg.Client({ connectionString: options.connectionString });
    await setup.connect();
    try {
      await setup.query(`create schema if not exists ${quoteIdentifier(options.schema)}`).catch((error: unknown) => {
        // Two processes creating the schema at once: "if not exists" can still race; the other one won.
        if ((error as { code?: string }).code !== '23505') throw error;
      });
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 20,
    ...(options.schema !== undefined ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // A pooled connection that dies (database restarted) must not crash the process.
  pool.on('error', () => undefined);

  // Parameterised statements are named, so each connection parses and plans one once and then
  // only binds and executes it (the posting path sends the same dozen statements all day long).
  const names = new Map<string, string>();
  const nameOf = (sql: string): string | undefined => {
    let name = names.get(sql);
    if (name === undefined && names.size < preparedStatementsMax) names.set(sql, (name = `coffer_${names.size + 1}`));
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
    query: (sql, params) => run(pool, sql, params),
    async transaction<T>(fn: (dbTx: Queryable) => Promise<T>): Promise<T> {
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
        await client.query('rollback').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
