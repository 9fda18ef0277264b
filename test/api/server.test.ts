/**
 * The quick start as a new user lives it, on a real process: the first start prints an admin
 * key once (never in a log line), the key works over HTTP, data survives a restart, the second
 * start prints no key, and SIGTERM stops the server cleanly with exit code 0.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

interface Running {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly base: string;
}

async function start(dataDir: string, port: number): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: { ...process.env, COFFER_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: '', COFFER_ADMIN_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  // Up to 90 s: a PGlite start with its migrations is slow on a busy 2-core machine (CI runs two test files at once).
  for (let attempt = 0; attempt < 900; attempt++) {
    if (/Coffer is serving/.test(output)) return { child, output: () => output, base };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${output}`);
}

async function stop(running: Running): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => running.child.once('exit', (code) => resolve(code)));
  running.child.kill('SIGTERM');
  return exited;
}

describe('server process', () => {
  it('prints the admin key once, keeps data across a restart and drains on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-server-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const first = await start(dataDir, port);
    const key = /coffer_sk_[A-Za-z0-9_-]{43}/.exec(first.output())?.[0];
    assert.ok(key !== undefined, 'the first start prints an admin key');
    const headers = { authorization: `Bearer ${key}` };
    const created = await fetch(`${first.base}/v1/currencies/iso/USD`, { method: 'POST', headers });
    assert.equal(created.status, 201);
    const logLines = first
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    assert.ok(logLines.length > 0);
    assert.ok(
      logLines.every((line) => !line.includes(key)),
      'the key never appears in a log line',
    );
    // No access-log line per request at the default level (a 5xx would be logged).
    assert.ok(
      logLines.every((line) => !line.includes('/v1/currencies/iso/USD')),
      'no log line per request at the default level',
    );
    assert.equal(await stop(first), 0);

    const second = await start(dataDir, port);
    assert.doesNotMatch(second.output(), /coffer_sk_/, 'no new key on the second start');
    const listed = (await (await fetch(`${second.base}/v1/currencies?code=USD`, { headers })).json()) as { data: unknown[] };
    assert.equal(listed.data.length, 1);
    assert.equal((await fetch(`${second.base}/readyz`)).status, 200);
    assert.equal(await stop(second), 0);
  });
});
