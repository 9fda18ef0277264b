#!/usr/bin/env node
/**
 * The `coffer` command. This file stays small and imports nothing heavy: `coffer --help` answers
 * at once, and each command loads its own modules (the server, the database, the SDK) when run.
 * Exit codes: 0 ok, 1 refused or failed, 2 usage.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

export interface Invocation {
  /** The words after the command, e.g. `['create']` for `coffer keys create`. */
  readonly args: readonly string[];
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
}

type Runner = (invocation: Invocation) => Promise<number>;

const server = () => import('./server-commands.js');
const client = () => import('./client-commands.js');
const bulk = () => import('./bulk-commands.js');

/** Every command: its one-line help, and how to load it. */
const commands: Record<string, { readonly help: string; readonly run: () => Promise<Runner> }> = {
  serve: {
    help: 'serve the HTTP API (PORT, HOST, DATABASE_URL or COFFER_DATA_DIR, COFFER_ADMIN_KEY); --workers N: N processes (PostgreSQL only)',
    run: async () => (await server()).serve,
  },
  migrate: { help: 'create or update the database schema, then exit', run: async () => (await server()).migrateCommand },
  verify: { help: 'check every balance, transaction and the journal [--json] [--digest] [--against SEQ:HASH]', run: async () => (await server()).verify },
  openapi: { help: 'print the OpenAPI 3.1 document', run: async () => (await server()).openapi },
  backup: { help: 'backup FILE: write the embedded database to a .tar.gz file (server stopped)', run: async () => (await server()).backup },
  'rotate-secret-key': {
    help: 're-encrypt the secrets at rest to COFFER_NEW_SECRET_KEY (server stopped; docs/security.md)',
    run: async () => (await server()).rotateSecretKey,
  },
  restore: { help: 'restore FILE: recreate the embedded database from a backup (empty data directory)', run: async () => (await server()).restore },
  login: { help: 'store --url and --key in your config directory (mode 0600)', run: async () => (await client()).login },
  keys: { help: 'keys create|list|revoke: API keys', run: async () => (await client()).keys },
  currencies: { help: 'currencies list|create|import CODE', run: async () => (await client()).currencies },
  rates: { help: 'rates set BASE QUOTE RATE | rates list', run: async () => (await client()).rates },
  wallets: { help: 'wallets list|create|show|balance|status', run: async () => (await client()).wallets },
  topup: { help: 'topup WALLET AMOUNT: money in from the currency issuer', run: async () => (await client()).topup },
  withdraw: { help: 'withdraw WALLET AMOUNT: money out to the currency settlement account', run: async () => (await client()).withdraw },
  transfer: { help: 'transfer FROM TO AMOUNT', run: async () => (await client()).transfer },
  exchange: { help: 'exchange FROM TO AMOUNT: between wallets in two currencies at the current rate', run: async () => (await client()).exchange },
  hold: { help: 'hold WALLET AMOUNT: reserve money', run: async () => (await client()).hold },
  capture: { help: 'capture HOLD [AMOUNT] --to WALLET: take held money', run: async () => (await client()).capture },
  void: { help: 'void HOLD: release a hold', run: async () => (await client()).voidHold },
  reverse: { help: 'reverse TRANSACTION [AMOUNT]', run: async () => (await client()).reverse },
  statement: { help: 'statement WALLET [--from DATE] [--to DATE] [--csv|--json]', run: async () => (await client()).statement },
  'trial-balance': { help: 'totals by account type per currency', run: async () => (await client()).trialBalance },
  events: { help: 'events tail [--after POSITION]: follow the live event stream', run: async () => (await client()).events },
  import: { help: 'import wallets FILE: CSV or JSON lines, resumable', run: async () => (await bulk()).importCommand },
  export: { help: 'export transactions|entries [--wallet ID] [--output csv|jsonl]', run: async () => (await bulk()).exportCommand },
};

const options = {
  help: { type: 'boolean', short: 'h' },
  url: { type: 'string' },
  key: { type: 'string' },
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  digest: { type: 'boolean' },
  against: { type: 'string' },
  force: { type: 'boolean' },
  'idempotency-key': { type: 'string' },
  minor: { type: 'string' },
  currency: { type: 'string' },
  to: { type: 'string' },
  from: { type: 'string' },
  after: { type: 'string' },
  limit: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  scopes: { type: 'string' },
  merchant: { type: 'string' },
  code: { type: 'string' },
  fraction: { type: 'string' },
  'asset-type': { type: 'string' },
  'external-id': { type: 'string' },
  owner: { type: 'string' },
  category: { type: 'string' },
  status: { type: 'string' },
  reason: { type: 'string' },
  description: { type: 'string' },
  reference: { type: 'string' },
  wallet: { type: 'string' },
  quote: { type: 'string' },
  'expires-in': { type: 'string' },
  concurrency: { type: 'string' },
  workers: { type: 'string' },
} as const;

const usage = `Usage: coffer <command> [options]

Server (on this machine's database):
${['serve', 'migrate', 'verify', 'openapi', 'backup', 'restore', 'rotate-secret-key'].map((name) => `  ${name.padEnd(14)}${commands[name]?.help}`).join('\n')}

Client (against a running server: --url/COFFER_URL, --key/COFFER_KEY, or \`coffer login\`):
${Object.keys(commands)
  .filter((name) => !['serve', 'migrate', 'verify', 'openapi', 'backup', 'restore', 'rotate-secret-key'].includes(name))
  .map((name) => `  ${name.padEnd(14)}${commands[name]?.help}`)
  .join('\n')}

Global options:
  --output, -o  table|json|jsonl|csv (tables on a terminal, JSON lines otherwise)
  --url URL     the server (COFFER_URL; default from \`coffer login\`, else http://127.0.0.1:8080)
  --key KEY     the API key (COFFER_KEY; default from \`coffer login\`)
  --idempotency-key KEY   reuse the key a money command printed, to retry it safely
Amounts: "10.50 USD" or "10.50" in major units, or --minor 1050; never through a float.
Exit codes: 0 ok, 1 refused (the problem's code and detail are printed), 2 usage.
`;

async function main(argv: readonly string[]): Promise<number> {
  // biome-ignore lint/suspicious/noImplicitAnyLet: assigned once just below; its type is what parseArgs infers from `options`.
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`coffer: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const [name, ...args] = parsed.positionals;
  if (name === undefined || name === 'help') {
    const asked = parsed.values.help === true || name === 'help';
    (asked ? process.stdout : process.stderr).write(usage);
    return asked ? 0 : 2;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`coffer: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  if (parsed.values.help === true) {
    process.stdout.write(`coffer ${name}: ${command.help}\n`);
    return 0;
  }
  const run = await command.run();
  return run({ args, options: parsed.values });
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit once everything written has reached stdout (a pipe may still be draining).
    if (code >= 0) process.stdout.write('', () => process.exit(code));
  },
  async (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`coffer: ${error.message}\n`);
      process.exit(2);
    }
    const { describeFailure } = await import('./failure.js');
    process.stderr.write(`${describeFailure(error)}\n`);
    process.exit(1);
  },
);
