/** The report of a run: a table for people, then one `CHAOS_SUMMARY {json}` line for programs. */
import type { CheckCounts } from './checks.js';
import type { FinalReadCounts } from './final-read.js';
import type { FaultCounts } from './nemesis.js';
import type { ChaosOptions } from './options.js';
import { type ClientRecord, operationKinds } from './record.js';
import type { SnapshotCounts } from './snapshots.js';
import type { Violations } from './violations.js';

export interface RunCounts {
  /** Wall time of each phase: servers' start, setup, the run, the final read, the checks. */
  readonly phases: Readonly<Record<string, number>>;
  readonly faults: FaultCounts;
  readonly unexpectedExits: readonly string[];
  readonly rateChanges: number;
  readonly snapshots: SnapshotCounts;
  readonly finalRead: FinalReadCounts;
  readonly checks: CheckCounts;
  readonly elapsedSeconds: number;
}

export function summaryOf(options: ChaosOptions, record: ClientRecord, counts: RunCounts, violations: Violations) {
  const byKind = Object.fromEntries(
    operationKinds.map((kind) => {
      const operations = record.ofKind(kind);
      const count = (test: (outcome: (typeof operations)[number]) => boolean) => operations.filter(test).length;
      return [
        kind,
        {
          sent: operations.length,
          acknowledged: count((operation) => operation.outcome === 'ok'),
          refused: count((operation) => operation.outcome === 'refused'),
          unknownThenResolved: count((operation) => operation.resolvedLate && operation.outcome !== 'unknown'),
          unknownThenCommitted: count((operation) => operation.resolvedLate && operation.outcome === 'ok'),
          unknownHadCommitted: count((operation) => operation.resolvedLate && operation.outcome === 'ok' && operation.replayed),
        },
      ];
    }),
  );
  const refusals: Record<string, number> = {};
  for (const operation of record.operations) if (operation.refusal !== null) refusals[operation.refusal] = (refusals[operation.refusal] ?? 0) + 1;
  const total = (field: 'sent' | 'acknowledged' | 'refused' | 'unknownThenResolved' | 'unknownThenCommitted' | 'unknownHadCommitted') =>
    Object.values(byKind).reduce((sum, kind) => sum + kind[field], 0);
  return {
    options,
    requests: {
      sent: total('sent'),
      acknowledged: total('acknowledged'),
      refused: total('refused'),
      unknownThenResolved: total('unknownThenResolved'),
      unknownThenCommitted: total('unknownThenCommitted'),
      unknownHadCommitted: total('unknownHadCommitted'),
    },
    byKind,
    refusals,
    answers: Object.fromEntries([...record.answers].sort()),
    faults: { ...counts.faults, unexpectedExits: counts.unexpectedExits.length, rateChanges: counts.rateChanges },
    unexpectedExits: counts.unexpectedExits,
    snapshots: counts.snapshots,
    finalRead: counts.finalRead,
    ledger: counts.checks,
    phases: counts.phases,
    elapsedSeconds: counts.elapsedSeconds,
    violations: violations.count,
    violationsByKind: Object.fromEntries(violations.byKind()),
  };
}

export type Summary = ReturnType<typeof summaryOf>;

export function printSummary(summary: Summary, violations: Violations): void {
  const { options, requests, faults, snapshots, finalRead, ledger } = summary;
  const lines: [string, string | number][] = [
    ['seed / seconds / servers / clients', `${options.seed} / ${options.seconds} / ${options.servers} / ${options.clients}`],
    ['final read', options.fastFinalRead ? 'fast (servers killed, clock moved past the in-flight timeout)' : 'waits out the in-flight timeout'],
    ['requests sent', requests.sent],
    ['acknowledged', requests.acknowledged],
    ['refused', requests.refused],
    ['unknown, then resolved', requests.unknownThenResolved],
    ['  committed (before the final read)', `${requests.unknownThenCommitted} (${requests.unknownHadCommitted})`],
    ['server SIGKILLs / restarts', `${faults.kills} / ${faults.restarts}`],
    ['server SIGSTOPs', faults.pauses],
    ['PostgreSQL immediate restarts', faults.databaseRestarts],
    ['unexpected server exits', faults.unexpectedExits],
    ['rate changes', faults.rateChanges],
    ['snapshots (failed reads)', `${snapshots.taken} (${snapshots.failed})`],
    ['trial balances (failed reads)', `${snapshots.trialBalances} (${snapshots.trialBalancesFailed})`],
    ['acknowledged keys replayed', finalRead.replayedAcknowledged],
    ['transactions / entries', `${ledger.transactions} / ${ledger.entries}`],
    ['postings replayed through the domain', ledger.postings],
    [
      'holds by final status',
      Object.entries(ledger.holdsByStatus)
        .map(([status, count]) => `${status} ${count}`)
        .join(', '),
    ],
    ['journal head', ledger.journalHead],
    [
      'elapsed s',
      `${summary.elapsedSeconds} (${Object.entries(summary.phases)
        .map(([phase, value]) => `${phase.replace('Seconds', '')} ${value}`)
        .join(', ')})`,
    ],
    ['violations', summary.violations],
  ];
  const out: string[] = [
    '',
    'Coffer chaos bank test',
    ...lines.map(([name, value]) => `  ${name.padEnd(38)} ${value}`),
    '',
    `  ${'kind'.padEnd(10)} ${['sent', 'ack', 'refused', 'unknown→resolved', '→committed', '(before)'].map((title) => title.padStart(18)).join('')}`,
  ];
  for (const [kind, row] of Object.entries(summary.byKind)) {
    out.push(
      `  ${kind.padEnd(10)} ${[row.sent, row.acknowledged, row.refused, row.unknownThenResolved, row.unknownThenCommitted, `(${row.unknownHadCommitted})`].map((value) => String(value).padStart(18)).join('')}`,
    );
  }
  out.push(
    '',
    `  refusals: ${Object.entries(summary.refusals)
      .map(([code, count]) => `${code} ${count}`)
      .join(', ')}`,
  );
  out.push(
    `  answers by HTTP status: ${Object.entries(summary.answers)
      .map(([status, count]) => `${status} ${count}`)
      .join(', ')}`,
  );
  for (const exit of summary.unexpectedExits) out.push(`  UNEXPECTED EXIT: ${exit.replace(/\s+/g, ' ')}`);
  for (const [kind, count] of Object.entries(summary.violationsByKind)) out.push(`  violations of kind "${kind}": ${count}`);
  for (const violation of violations.list.slice(0, 20)) out.push(`  VIOLATION ${violation.kind}: ${violation.message}`);
  process.stdout.write(`${out.join('\n')}\n\nCHAOS_SUMMARY ${JSON.stringify(summary)}\n`);
}
