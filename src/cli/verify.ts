import type { Config } from '../config.js';
import { verifyLedger } from '../services/verify.js';
import { openStore } from '../store/connect.js';

/** `coffer verify`: exits 0 when the ledger is consistent, 1 with the first discrepancy otherwise. */
export async function runVerify(config: Config, args: readonly string[]): Promise<number> {
  const store = await openStore(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    const report = await verifyLedger(store);
    if (args.includes('--json')) {
      process.stdout.write(`${JSON.stringify({ ok: report.ok, walletsChecked: report.walletsChecked, firstDiscrepancy: report.firstDiscrepancy })}\n`);
    } else if (report.ok) {
      process.stdout.write(`ok: ${report.walletsChecked} wallets; counters match their entries, every transaction and currency balances.\n`);
    } else {
      process.stdout.write(`DISCREPANCY: ${report.firstDiscrepancy}\n`);
    }
    return report.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
