/**
 * `npm start` as a user runs it, on the compiled build (npm install builds dist/): SIGTERM sent
 * to the npm process itself while a transfer is in flight. The transfer completes, npm exits 0
 * within 10 s, the data directory's lock is released, and a restart finds the data. (npm forwards
 * the signal to its child, which is the server itself: the start script `exec`s node.)
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { freePort } from '../../scripts/free-port.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const adminKey = `coffer_sk_${'n'.repeat(43)}`;

interface Running {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

async function npmStart(dataDir: string, port: number): Promise<Running> {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { ...process.env, COFFER_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: '', COFFER_ADMIN_KEY: adminKey, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a failed test can stop npm and anything under it.
    detached: true,
  });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Generous: a first start on a busy 2-core machine running other tests.
  for (let attempt = 0; attempt < 1200; attempt++) {
    if (/coffer: listening on/.test(output)) return { child, output: () => output, exited };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`npm start did not start: ${output}`);
}

const started: ChildProcess[] = [];
after(() => {
  for (const child of started) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone: the normal case.
    }
  }
});

describe('npm start', () => {
  it('drains an in-flight transfer on SIGTERM to the npm process, exits 0, and a restart finds the data', { timeout: 300_000 }, async () => {
    assert.ok(existsSync(join(root, 'dist/src/cli/main.js')), 'dist/ is missing: npm install (or npm run build) builds it');
    const dataDir = join(await mkdtemp(join(tmpdir(), 'coffer-npm-start-')), 'data');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      assert.equal(response.status, 201, await response.clone().text());
      return (await response.json()) as { id: string };
    };

    const first = await npmStart(dataDir, port);
    assert.match(first.output(), /creating the embedded database/, 'the first start says what it is doing');
    const usd = await post('/v1/currencies/iso/USD', {});
    const alice = await post('/v1/wallets', { currencyId: usd.id });
    const bob = await post('/v1/wallets', { currencyId: usd.id });
    await post('/v1/topups', { walletId: alice.id, amount: '100000' });

    // A batch of 200 transfers of 1 cent: in flight when SIGTERM arrives (the server has logged its arrival).
    const items = Array.from({ length: 200 }, () => ({ kind: 'transfer', fromWalletId: alice.id, toWalletId: bob.id, amount: '1' }));
    const before = first.output().length;
    const inFlight = fetch(`${base}/v1/batches`, { method: 'POST', headers, body: JSON.stringify({ atomic: true, items }) });
    for (let attempt = 0; attempt < 600 && !/"url":"\/v1\/batches"/.test(first.output().slice(before)); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const signalled = Date.now();
    first.child.kill('SIGTERM'); // the npm process, not the server inside it
    const answer = await inFlight;
    assert.equal(answer.status, 201, 'the transfer in flight completes');
    assert.equal(((await answer.json()) as { succeeded: number }).succeeded, 200);
    assert.equal(await first.exited, 0, first.output());
    assert.ok(Date.now() - signalled < 10_000, `stopped in ${Date.now() - signalled} ms`);
    assert.match(first.output(), /coffer: stopped/);
    assert.ok(!existsSync(`${dataDir}.lock`), 'the lock file is removed');
    await assert.rejects(fetch(`${base}/readyz`), 'nothing answers after the stop');

    const second = await npmStart(dataDir, port);
    assert.match(second.output(), /opening the embedded database/);
    const reading = (await (await fetch(`${base}/v1/wallets/${bob.id}/balance`, { headers })).json()) as { balance: { posted: string } };
    assert.equal(reading.balance.posted, '200', 'the drained transfers survived the restart');
    second.child.kill('SIGINT');
    assert.equal(await second.exited, 0, second.output());
  });
});
