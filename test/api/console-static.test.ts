import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { registerConsole } from '../../src/api/console.js';

async function appWith(dir: string) {
  const app = Fastify();
  await registerConsole(app, dir);
  await app.ready();
  return app;
}

test('the console is served at /console without a key: index never cached, hashed assets immutable, nothing outside it', async () => {
  const dir = `${mkdtempSync(join(tmpdir(), 'coffer-console-dist-'))}/`;
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  const app = await appWith(dir);
  try {
    const bare = await app.inject({ url: '/console' });
    assert.equal(bare.statusCode, 301);
    assert.equal(bare.headers.location, '/console/');
    const index = await app.inject({ url: '/console/' });
    assert.equal(index.statusCode, 200);
    assert.match(String(index.headers['content-type']), /text\/html/);
    assert.equal(index.headers['cache-control'], 'no-cache');
    assert.match(String(index.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(index.headers['referrer-policy'], 'no-referrer');
    const asset = await app.inject({ url: '/console/assets/index-abc123.js' });
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.body, 'console.log(1)');
    assert.match(String(asset.headers['cache-control']), /immutable/);
    // Any other path is the single page; nothing outside the build directory is reachable.
    const deep = await app.inject({ url: '/console/wallets/123' });
    assert.equal(deep.statusCode, 200);
    assert.match(deep.body, /id="root"/);
    for (const url of ['/console/../package.json', '/console/assets/..%2f..%2fpackage.json', '/console/%2e%2e/%2e%2e/package.json']) {
      const response = await app.inject({ url });
      assert.ok(!response.body.includes('"workspaces"'), `${url} must not leak files`);
    }
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a build, /console answers 503 saying how to build it', async () => {
  const app = await appWith(join(tmpdir(), 'coffer-console-missing-dist/'));
  try {
    const response = await app.inject({ url: '/console/' });
    assert.equal(response.statusCode, 503);
    assert.match(response.body, /npm run build:console/);
  } finally {
    await app.close();
  }
});
