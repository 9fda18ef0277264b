/**
 * Multi-host connection strings, libpq style: `postgres://user@h1:5432,h2:5433/coffer?target_session_attrs=read-write`.
 * node-postgres connects to one host only, so the store's connector (postgres.ts) splits such a
 * string into one single-host string per host and chooses among them itself.
 */

/** What a chosen server must be (libpq's `target_session_attrs`; `primary` and `read-write` are the same to Coffer). */
export type SessionAttrs = 'any' | 'read-write' | 'read-only';

export interface PostgresTargets {
  /** One single-host connection string per host, in the order given. */
  readonly urls: readonly string[];
  /** `host:port` of each, for messages and logs. */
  readonly names: readonly string[];
  readonly sessionAttrs: SessionAttrs;
}

const attrsOf: Readonly<Record<string, SessionAttrs>> = {
  any: 'any',
  'read-write': 'read-write',
  primary: 'read-write',
  'read-only': 'read-only',
  standby: 'read-only',
  'prefer-standby': 'read-only',
};

/**
 * Splits a connection string into its hosts. A single-host string comes back as it is (with
 * `target_session_attrs` removed); so does any string that is not a URL (key=value strings
 * go to node-postgres untouched, one host).
 */
export function parsePostgresTargets(connectionString: string): PostgresTargets {
  const match = /^(postgres(?:ql)?:\/\/)([^@/?#]*@)?([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/.exec(connectionString);
  if (match === null) return { urls: [connectionString], names: ['(connection string)'], sessionAttrs: 'any' };
  const [, scheme = '', auth = '', hostList = '', path = '', query = ''] = match;
  const params = new URLSearchParams(query.replace(/^\?/, ''));
  const attrsName = params.get('target_session_attrs') ?? 'any';
  const sessionAttrs = attrsOf[attrsName];
  if (sessionAttrs === undefined) throw new Error(`target_session_attrs=${attrsName} is not supported (use read-write, primary, any, read-only or standby)`);
  params.delete('target_session_attrs');
  const rest = params.toString();
  const hosts = hostList === '' ? [''] : hostList.split(',');
  const names: string[] = [];
  const urls = hosts.map((host) => {
    const bracketed = /^\[[^\]]+\](:\d+)?$/.test(host);
    const withPort = host === '' || bracketed ? host : host.includes(':') ? host : `${host}:5432`;
    names.push(withPort === '' ? 'localhost:5432' : withPort);
    return `${scheme}${auth}${withPort}${path}${rest === '' ? '' : `?${rest}`}`;
  });
  return { urls, names, sessionAttrs };
}
