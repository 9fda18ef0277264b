import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { createGunzip } from 'node:zlib';

const block = 512;

function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function octal(header: Buffer, start: number, length: number): number {
  const value = text(header, start, length).trim();
  return value === '' ? 0 : Number.parseInt(value, 8);
}

/**
 * Unpacks the prebuilt empty database (a gzipped tar of directories and files, as PGlite's
 * `dumpDataDir` writes it) into `dataDir`, streaming: the first start then opens it like any
 * existing data directory, instead of handing PGlite the whole archive to load in memory (that
 * left the Node side of a first start about 90 MB larger than a warm one). PG_VERSION, which marks
 * a directory as holding a database (`hasDatabase`), is written last, so an unpacking cut short is
 * unpacked again at the next start.
 */
export async function unpackTemplate(archive: URL, dataDir: string): Promise<void> {
  const root = resolve(dataDir);
  const inside = (name: string) => {
    const path = resolve(join(root, name));
    if (path !== root && !path.startsWith(root + sep)) throw new Error(`the database template names a path outside the data directory: ${name}`);
    return path;
  };
  let pending: Buffer = Buffer.alloc(0);
  let file: FileHandle | undefined;
  let toWrite = 0;
  let toSkip = 0;
  let version: { path: string; bytes: Buffer[]; mode: number } | undefined;
  let capturing = false;
  let ended = false;
  for await (const chunk of createReadStream(archive).pipe(createGunzip())) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    let offset = 0;
    while (!ended) {
      const available = pending.length - offset;
      if (toWrite > 0) {
        const count = Math.min(toWrite, available);
        if (count === 0) break;
        const bytes = pending.subarray(offset, offset + count);
        if (capturing) version?.bytes.push(Buffer.from(bytes));
        else await file?.write(bytes);
        toWrite -= count;
        offset += count;
        continue;
      }
      if (file !== undefined) {
        await file.close();
        file = undefined;
      }
      capturing = false;
      if (toSkip > 0) {
        const count = Math.min(toSkip, available);
        if (count === 0) break;
        toSkip -= count;
        offset += count;
        continue;
      }
      if (available < block) break;
      const header = pending.subarray(offset, offset + block);
      offset += block;
      if (header.every((byte) => byte === 0)) {
        ended = true;
        break;
      }
      const prefix = text(header, 257, 6).startsWith('ustar') ? text(header, 345, 155) : '';
      const name = prefix === '' ? text(header, 0, 100) : `${prefix}/${text(header, 0, 100)}`;
      const size = octal(header, 124, 12);
      const mode = octal(header, 100, 8) || 0o600;
      const type = String.fromCharCode(header[156] ?? 0);
      const padding = (block - (size % block)) % block;
      if (type === '5') {
        await mkdir(inside(name), { recursive: true, mode: mode || 0o750 });
        toSkip = size + padding;
      } else if (type === '0' || type === '\0') {
        const path = inside(name);
        await mkdir(dirname(path), { recursive: true });
        if (path === join(root, 'PG_VERSION')) {
          version = { path, bytes: [], mode };
          capturing = true;
        } else file = await open(path, 'w', mode);
        toWrite = size;
        toSkip = padding;
      } else toSkip = size + padding;
    }
    pending = pending.subarray(offset);
  }
  if (file !== undefined) await file.close();
  if (!ended || toWrite > 0 || version === undefined) throw new Error(`the database template ${archive.pathname} is incomplete`);
  await writeFile(version.path, Buffer.concat(version.bytes), { mode: version.mode });
}
