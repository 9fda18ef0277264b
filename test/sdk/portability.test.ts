/**
 * The SDK works from plain JavaScript and in a browser bundle: its source imports no node:*
 * module and no Node global, esbuild bundles it for the browser, and a plain .mjs file importing
 * `@coffer/sdk` (the built package, through its exports) moves money on a real server.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { type SdkServer, startSdkServer } from './server.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const sourceDir = new URL('../../packages/sdk/src/', import.meta.url);

describe('sdk portability', () => {
  it('the client source uses no node:* module, require, process or Buffer', async () => {
    for (const name of await readdir(sourceDir)) {
      if (!name.endsWith('.ts')) continue;
      const text = await readFile(new URL(name, sourceDir), 'utf8');
      assert.doesNotMatch(text, /from ['"]node:|require\(|\bprocess\.|\bBuffer\b/, `${name} must stay browser-safe`);
    }
  });

  it('bundles for the browser with esbuild', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('index.ts', sourceDir))],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    assert.equal(result.errors.length, 0);
    assert.match(result.outputFiles[0]?.text ?? '', /Idempotency-Key|idempotency-key/i);
  });

  const backend = backends[0];
  if (backend !== undefined) {
    describe('from a plain .mjs file', () => {
      let server: SdkServer;
      before(async () => {
        server = await startSdkServer(backend);
        await run('npm', ['run', 'build', '-w', '@coffer/sdk'], { cwd: root });
      });
      after(() => server.close());

      it('imports @coffer/sdk (built dist, ESM) and moves money', async () => {
        const script = `
          import { Coffer, CofferError, formatMinor } from '@coffer/sdk';
          const coffer = new Coffer({ baseUrl: process.env.BASE_URL, apiKey: process.env.API_KEY });
          const usd = await coffer.currencies.importIso('USD');
          const a = await coffer.wallets.create({ currencyId: usd.id, customerId: 'js-a' });
          const b = await coffer.wallets.create({ currencyId: usd.id, customerId: 'js-b' });
          await coffer.topups.create({ walletId: a.id, amount: 1050n });
          await coffer.transfers.create({ fromWalletId: a.id, toWalletId: b.id, amount: '50' });
          const refused = await coffer.transfers.create({ fromWalletId: a.id, toWalletId: b.id, amount: '999999' }).catch((error) => error);
          const wallets = [];
          for await (const wallet of coffer.wallets.list({ customerId: 'js-a', limit: 1 })) wallets.push(wallet.id);
          console.log(JSON.stringify({ available: formatMinor((await coffer.wallets.get(a.id)).balance.available, usd.fraction), refused: refused instanceof CofferError ? refused.code : String(refused), wallets: wallets.length }));
        `;
        const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
          cwd: root,
          env: { ...process.env, BASE_URL: server.baseUrl, API_KEY: server.harness.adminKey },
        });
        assert.deepEqual(JSON.parse(stdout.trim()), { available: '10.00', refused: 'insufficient_funds', wallets: 1 });
      });
    });
  }
});
