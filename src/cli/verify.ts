import type { Config } from '../config.js';
import { formatDigest, parseDigest } from '../services/journal-verify.js';
import { verifyLedger } from '../services/verify.js';
import { openStore } from '../store/connect.js';

/** The value after `--against` (or of `--against=…`), if given. */
function againstArgument(args: readonly string[]): string | undefined {
  const index = args.indexOf('--against');
  if (index >= 0) return args[index + 1] ?? '';
  return args.find((arg) => arg.startsWith('--against='))?.slice('--against='.length);
}

/**
 * `coffer verify [--json] [--against SEQ:HASH]`: exits 0 when the ledger and its journal are
 * consistent, 1 with the first discrepancy otherwise, 2 on a malformed digest.
 * `coffer verify --digest` prints the journal's head as `SEQ:HASH`, to be stored elsewhere.
 */
export async function runVerify(config: Config, args: readonly string[]): Promise<number> {
  const againstText = againstArgument(args);
  const against = againstText === undefined ? undefined : parseDigest(againstText);
  if (against === null) {
    process.stderr.write(`coffer verify: --against expects SEQ:HASH as printed by \`coffer verify --digest\`, got "${againstText}"\n`);
    return 2;
  }
  const store = await openStore({
    ...(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir }),
    mustExist: true,
    purpose: 'coffer verify',
  });
  try {
    const report = await verifyLedger(store, against);
    const { journal } = report;
    if (args.includes('--digest')) {
      process.stdout.write(`${formatDigest(journal.head)}\n`);
      if (!report.ok) process.stderr.write(`DISCREPANCY: ${report.firstDiscrepancy}\n`);
    } else if (args.includes('--json')) {
      const firstBrokenLink = journal.firstBroken === null ? null : { ...journal.firstBroken, seq: journal.firstBroken.seq?.toString() ?? null };
      const head = formatDigest(journal.head);
      process.stdout.write(
        `${JSON.stringify({ ok: report.ok, walletsChecked: report.walletsChecked, firstDiscrepancy: report.firstDiscrepancy, journal: { links: journal.links, head, firstBrokenLink } })}\n`,
      );
    } else if (report.ok) {
      process.stdout.write(
        `ok: ${report.walletsChecked} wallets; counters match their entries, every transaction and currency balances; ` +
          `journal of ${journal.links} links intact, head ${formatDigest(journal.head)}${against !== undefined ? ', matches the saved digest' : ''}.\n`,
      );
    } else {
      process.stdout.write(`DISCREPANCY: ${report.firstDiscrepancy}\n`);
    }
    return report.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
