/**
 * The real `coffer` command (node bin/coffer.mjs, the compiled build) against a real server on an
 * embedded database in a temporary directory: the README tour (key, currency, two wallets, top-up,
 * transfer, statement), refusals and usage errors with their exit codes, then the import of a
 * generated CSV of wallets with opening balances, killed mid-run and resumed, ending with the
 * expected balances, a no-op third run, and a passing `coffer verify` once the server is stopped.
 *
 * COFFER_CLI_TEST_WALLETS sets the CSV size (default 10,000, as the issue asks). The import sends
 * 250 rows per POST /v1/wallets/bulk and their opening balances in one POST /v1/batches, so 10,000
 * wallets are 40 + 40 requests, not 20,000.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { freePort } from '../../scripts/free-port.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/coffer.mjs');
const adminKey = `coffer_sk_${'c'.repeat(43)}`;
const walletCount = Number(process.env.COFFER_CLI_TEST_WALLETS ?? 10_000);
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function coffer(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

async function ok(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const result = await coffer(env, ...args);
  assert.equal(result.code, 0, `coffer ${args.join(' ')}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

describe('the coffer command', () => {
  it('runs the tour, refuses cleanly, and imports wallets resumably', { timeout: 900_000 }, async () => {
    assert.ok(existsSync(join(root, 'dist/src/cli/main.js')), 'dist/ is missing: npm install (or npm run build) builds it');
    const work = await mkdtemp(join(tmpdir(), 'coffer-cli-'));
    const dataDir = join(work, 'data');
    const port = await freePort();
    const serverEnv = {
      ...process.env,
      COFFER_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      COFFER_ADMIN_KEY: adminKey,
      LOG_LEVEL: 'warn',
      COFFER_RATE_LIMIT_PER_MINUTE: '0',
      COFFER_RATE_LIMIT_MONEY_PER_MINUTE: '0',
    };
    const server = spawn(process.execPath, [bin, 'serve'], { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(server);
    let serverOutput = '';
    server.stdout.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
    for (let attempt = 0; attempt < 1800 && !/listening on/.test(serverOutput); attempt++) {
      assert.equal(server.exitCode, null, serverOutput);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.match(serverOutput, /listening on/);

    // No COFFER_KEY yet: `coffer login` stores the server and key in the config directory.
    const { COFFER_URL: _url, COFFER_KEY: _key, ...inherited } = process.env;
    const env: NodeJS.ProcessEnv = { ...inherited, XDG_CONFIG_HOME: join(work, 'config'), COFFER_DATA_DIR: dataDir, DATABASE_URL: '' };
    const noKey = await coffer(env, 'currencies', 'list');
    assert.equal(noKey.code, 2, 'no key is a usage error');
    assert.match(noKey.stderr, /coffer login/);
    await ok(env, 'login', '--url', `http://127.0.0.1:${port}`, '--key', adminKey);

    // The tour.
    const key = JSON.parse(await ok(env, 'keys', 'create', '--name', 'tour', '-o', 'json')) as { key: string };
    assert.match(key.key, /^coffer_sk_/);
    env.COFFER_KEY = key.key;
    const usd = JSON.parse(await ok(env, 'currencies', 'import', 'USD', '-o', 'json')) as { code: string };
    assert.equal(usd.code, 'USD');
    await ok(env, 'wallets', 'create', '--currency', 'USD', '--external-id', 'alice');
    await ok(env, 'wallets', 'create', '--currency', 'USD', '--external-id', 'bob');
    const topup = await coffer(env, 'topup', 'alice', '100.00', 'USD', '-o', 'json');
    assert.equal(topup.code, 0, topup.stderr);
    const usedKey = /^Idempotency-Key: (\S+)$/m.exec(topup.stderr)?.[1];
    assert.ok(usedKey !== undefined, 'a money command prints its Idempotency-Key');
    assert.equal((JSON.parse(topup.stdout) as { amount: string }).amount, '100.00 USD');
    // Retrying with the printed key does not top up twice.
    const again = await coffer(env, 'topup', 'alice', '100.00', 'USD', '--idempotency-key', usedKey, '-o', 'json');
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as { id: string }).id, (JSON.parse(topup.stdout) as { id: string }).id);
    await ok(env, 'transfer', 'alice', 'bob', '25.50 USD');
    await ok(env, 'transfer', 'alice', 'bob', '--minor', '1');
    // --csv prints the server's CSV statement (newest first); --from/--to go to the server as they are.
    const statement = await ok(env, 'statement', 'bob', '--csv');
    assert.deepEqual(
      statement
        .trim()
        .split('\r\n')
        .map((line) => {
          const cells = line.split(',');
          return [cells[3], cells[6], cells[8], cells[9]].join(' | ');
        }),
      ['kind | amountDecimal | balanceAfterDecimal | currencyCode', 'transfer | 0.01 | 25.51 | USD', 'transfer | 25.50 | 25.50 | USD'],
    );
    assert.equal((await ok(env, 'statement', 'bob', '--csv', '--from', '2999-01-01')).trim().split('\r\n').length, 1, 'only the header row');
    const badDate = await coffer(env, 'statement', 'bob', '--from', 'last tuesday');
    assert.equal(badDate.code, 1);
    assert.match(badDate.stderr, /validation_failed/);
    const table = await ok(env, 'wallets', 'balance', 'alice', '-o', 'table');
    assert.match(table, /available\s+74\.49 USD/);

    // Refusals: exit 1 with the problem's code; usage errors: exit 2; never a float.
    const refused = await coffer(env, 'transfer', 'alice', 'bob', '1000', 'USD');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refused: insufficient_funds \(HTTP 422\): /);
    assert.equal((await coffer(env, 'transfer', 'alice', 'bob', '1.005')).code, 2, 'more decimals than USD has');
    assert.equal((await coffer(env, 'transfer', 'alice', 'bob', '1e2')).code, 2, 'no exponents');
    assert.equal((await coffer(env, 'transfer', 'alice', 'bob', '1', 'EUR')).code, 2, 'the wrong currency code');
    assert.equal((await coffer(env, 'no-such-command')).code, 2);
    assert.equal((await coffer(env, 'transfer', '--no-such-option')).code, 2);

    // The import: a CSV with opening balances, killed once mid-run, then resumed.
    const csv = join(work, 'wallets.csv');
    const lines = ['externalId,currency,name,openingBalance'];
    let expectedTotal = 0n;
    for (let index = 1; index <= walletCount; index++) {
      lines.push(`cust-${index},USD,"Customer ${index}, Ltd",${index}.${String(index % 100).padStart(2, '0')}`);
      expectedTotal += BigInt(index * 100 + (index % 100));
    }
    await writeFile(csv, `${lines.join('\n')}\n`);
    const interrupted = spawn(process.execPath, [bin, 'import', 'wallets', csv, '-o', 'json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(interrupted);
    let progress = '';
    interrupted.stderr.on('data', (chunk: Buffer) => (progress += chunk.toString()));
    const killed = new Promise((resolve) => interrupted.once('exit', resolve));
    // Killed once the server holds some of the wallets (the first chunk of 250 is done).
    for (let attempt = 0; attempt < 6000; attempt++) {
      const { data } = (await (
        await fetch(`http://127.0.0.1:${port}/v1/wallets?externalId=cust-50`, { headers: { authorization: `Bearer ${adminKey}` } })
      ).json()) as { data: unknown[] };
      if (data.length > 0 || interrupted.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(interrupted.exitCode, null, `the import was still running when killed: ${progress}`);
    interrupted.kill('SIGKILL');
    await killed;
    const before = (await ok(env, 'wallets', 'list', '--currency', 'USD', '-o', 'jsonl'))
      .trim()
      .split('\n')
      .filter((line) => line.includes('"cust-')).length;
    assert.ok(before > 0 && before < walletCount, `killed mid-run: ${before} of ${walletCount} wallets there`);
    const resumed = JSON.parse(await ok(env, 'import', 'wallets', csv, '-o', 'json')) as {
      rows: number;
      created: number;
      existing: number;
      toppedUp: number;
      failed: number;
    };
    assert.equal(resumed.rows, walletCount);
    assert.equal(resumed.failed, 0);
    // "created" counts wallets new or still empty: those the killed run created but did not top up yet count here.
    assert.equal(resumed.created + resumed.existing, walletCount, JSON.stringify(resumed));
    const third = JSON.parse(await ok(env, 'import', 'wallets', csv, '-o', 'json')) as { created: number; toppedUp: number; existing: number };
    assert.deepEqual(
      { created: third.created, toppedUp: third.toppedUp, existing: third.existing },
      { created: 0, toppedUp: 0, existing: walletCount },
      'a third run is a no-op',
    );

    // Every wallet holds exactly its opening balance, once.
    const listed = (await ok(env, 'wallets', 'list', '--currency', 'USD', '-o', 'jsonl'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { externalId: string | null; posted: string });
    const imported = listed.filter((wallet) => wallet.externalId?.startsWith('cust-'));
    assert.equal(imported.length, walletCount);
    let total = 0n;
    for (const wallet of imported) {
      const index = Number(wallet.externalId?.slice('cust-'.length));
      assert.equal(wallet.posted, `${index}.${String(index % 100).padStart(2, '0')} USD`, `wallet ${wallet.externalId}`);
      total += BigInt(wallet.posted.replace(' USD', '').replace('.', ''));
    }
    assert.equal(total, expectedTotal);
    const exported = (await ok(env, 'export', 'transactions', '--output', 'csv')).trim().split('\n');
    assert.equal(exported.length, 1 + walletCount + 3, 'header, the opening balances, the tour');

    // verify refuses while the server holds the data directory, and passes once it stopped.
    const locked = await coffer(env, 'verify');
    assert.equal(locked.code, 1);
    assert.match(locked.stderr, /in use by process \d+/);
    const stopped = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    assert.equal(await stopped, 0);
    const verified = await coffer(env, 'verify');
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, new RegExp(`^ok: ${walletCount + 2 + 4} wallets`));
    const missing = await coffer({ ...env, COFFER_DATA_DIR: join(work, 'nowhere') }, 'verify');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no embedded database at/);
    assert.ok(!existsSync(join(work, 'nowhere')), 'verify does not create a directory');
  });
});
