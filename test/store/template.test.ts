/**
 * The prebuilt empty database (dist/embedded-template.tar.gz, written by scripts/build-template.mjs
 * with PGlite's dumpDataDir): a first start unpacks it to disk as a stream and opens it like an
 * existing data directory. Checked here on an archive made the same way, in memory: the unpacked
 * directory opens, holds the migrated schema and the data written before the dump, and an archive
 * cut short leaves no PG_VERSION (so the next start unpacks it again).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { migrate } from '../../src/store/migrate.js';
import { connectPglite } from '../../src/store/pglite.js';
import { unpackTemplate } from '../../src/store/template.js';

describe('the prebuilt empty database', () => {
  let work: string;
  let archive: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'coffer-template-'));
    const database = await connectPglite(undefined);
    const applied = await migrate(database);
    assert.ok(applied.length > 0);
    await database.query(`create table template_probe (note text)`);
    await database.query(`insert into template_probe values ('written before the dump')`);
    const dump = await database.dumpDataDir?.();
    await database.close();
    assert.ok(dump !== undefined);
    archive = join(work, 'template.tar.gz');
    await writeFile(archive, Buffer.from(await dump.arrayBuffer()));
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('unpacks to a data directory that opens with its schema and rows', async () => {
    const dataDir = join(work, 'data');
    await unpackTemplate(pathToFileURL(archive), dataDir);
    assert.ok(existsSync(join(dataDir, 'PG_VERSION')));
    const database = await connectPglite(dataDir);
    try {
      assert.deepEqual(await migrate(database), [], 'already migrated');
      assert.deepEqual(await database.query('select note from template_probe'), [{ note: 'written before the dump' }]);
    } finally {
      await database.close();
    }
  });

  it('refuses an archive cut short and writes no PG_VERSION', async () => {
    const whole = gunzipSync(await readFile(archive));
    const cut = join(work, 'cut.tar.gz');
    await writeFile(cut, gzipSync(whole.subarray(0, Math.floor(whole.length / 2))));
    const dataDir = join(work, 'cut-data');
    await assert.rejects(unpackTemplate(pathToFileURL(cut), dataDir), /incomplete/);
    assert.ok(!existsSync(join(dataDir, 'PG_VERSION')));
  });
});
