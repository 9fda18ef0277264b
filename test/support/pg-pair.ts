/**
 * A primary and a streaming standby of our own (initdb + pg_basebackup in a temporary directory,
 * on free loopback ports), for the failover and read-replica tests. As root, the server binaries
 * run as the `postgres` user. The machine's shared cluster is never touched.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/free-port.js';

const run = promisify(execFile);
const binRoot = '/usr/lib/postgresql';

/** The newest PostgreSQL server binaries, or null when they are not installed. */
export function serverBinaries(): string | null {
  const versions = existsSync(binRoot) ? readdirSync(binRoot).filter((name) => existsSync(join(binRoot, name, 'bin', 'pg_basebackup'))) : [];
  versions.sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  const newest = versions.at(-1);
  return newest === undefined ? null : join(binRoot, newest, 'bin');
}

export class PgPair {
  private constructor(
    readonly dir: string,
    readonly bin: string,
    readonly primaryPort: number,
    readonly standbyPort: number,
  ) {}

  /** `applyDelayMs`: the standby replays WAL this late (recovery_min_apply_delay). */
  static async create(applyDelayMs = 0): Promise<PgPair> {
    const bin = serverBinaries();
    if (bin === null) throw new Error('no PostgreSQL server binaries');
    const dir = mkdtempSync(join(tmpdir(), 'coffer-pair-'));
    if (process.getuid?.() === 0) {
      const { stdout: uid } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(uid.trim()), Number(gid.trim()));
    }
    const pair = new PgPair(dir, bin, await freePort(), await freePort());
    await pair.asOwner('initdb', ['-D', join(dir, 'primary'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await pair.start('primary', pair.primaryPort);
    await pair.asOwner('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(pair.primaryPort),
      '-U',
      'postgres',
      '-D',
      join(dir, 'standby'),
      '-R',
      '-X',
      'stream',
      '--no-sync',
    ]);
    await pair.start('standby', pair.standbyPort, applyDelayMs > 0 ? `-c recovery_min_apply_delay=${applyDelayMs}ms` : '');
    return pair;
  }

  url(port: number): string {
    return `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  private asOwner(command: string, args: readonly string[]) {
    const full = join(this.bin, command);
    return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', full, ...args]) : run(full, [...args]);
  }

  private async start(name: string, port: number, extra = ''): Promise<void> {
    const options = `-p ${port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c wal_receiver_status_interval=1s ${extra}`;
    await this.asOwner('pg_ctl', ['-D', join(this.dir, name), '-o', options, '-l', join(this.dir, `${name}.log`), '-w', '-t', '60', 'start']);
  }

  /** The primary dies at once (`pg_ctl stop -m immediate`). */
  async crashPrimary(): Promise<void> {
    await this.asOwner('pg_ctl', ['-D', join(this.dir, 'primary'), '-m', 'immediate', 'stop']);
  }

  async promoteStandby(): Promise<void> {
    await this.asOwner('pg_ctl', ['-D', join(this.dir, 'standby'), '-w', 'promote']);
  }

  async destroy(): Promise<void> {
    for (const name of ['primary', 'standby']) await this.asOwner('pg_ctl', ['-D', join(this.dir, name), '-m', 'immediate', 'stop']).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
