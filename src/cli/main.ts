#!/usr/bin/env node
import { readConfig } from '../config.js';
import { serveWorkers, workersOption } from '../api/workers.js';
import { printOpenApi } from './openapi.js';
import { runRotateSecretKey } from './rotate-secret-key.js';
import { runVerify } from './verify.js';

const usage = `Usage: coffer <command>

Commands:
  serve     Serve the HTTP API (PORT, HOST, DATABASE_URL or COFFER_DATA_DIR, COFFER_ADMIN_KEY);
            --workers N runs N processes on the port (PostgreSQL only; docs/scaling.md)
  verify    Recompute every balance from its entries, check that every transaction balances and
            recompute the journal's hash chain (--json; --digest prints the head as SEQ:HASH;
            --against SEQ:HASH also detects a truncated tail)
  openapi   Print the OpenAPI 3.1 document
  rotate-secret-key
            Re-encrypt the secrets at rest from COFFER_SECRET_KEY (or the embedded key file)
            to COFFER_NEW_SECRET_KEY (the embedded database may generate it); server stopped
`;

async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case 'serve':
      await serveWorkers(workersOption(argv.slice(1)), readConfig());
      return -1;
    case 'verify':
      return runVerify(readConfig(), argv.slice(1));
    case 'openapi':
      await printOpenApi();
      return 0;
    case 'rotate-secret-key':
      return runRotateSecretKey(readConfig());
    default:
      process.stderr.write(usage);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`coffer: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
