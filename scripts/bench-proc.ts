/**
 * What `npm run bench` measures besides throughput: every process's CPU seconds, read from
 * /proc (utime + stime), and the machine's load average. A child that exits is sampled until
 * then (every 200 ms), so at most the last sample's worth of its CPU is missed.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

const ticksPerSecond = 100;

/** CPU seconds a process has used so far (0 once it is gone). */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
}

/** Follows a process's CPU until `stop`, keeping the last reading (a child's /proc entry vanishes when it exits). */
export class CpuWatch {
  private readonly start: number;
  private last: number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.start = cpuSecondsOf(pid);
    this.last = this.start;
    this.timer = setInterval(() => this.sample(), 200);
  }

  private sample(): void {
    const now = cpuSecondsOf(this.pid);
    if (now > 0) this.last = now;
  }

  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return this.last - this.start;
  }
}

/**
 * The CPU of the PostgreSQL backends serving one database (the machine's PostgreSQL is shared:
 * only the sessions on our database are counted; its background writers are not).
 */
export class BackendCpu {
  private before = new Map<number, number>();
  private watched = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly databaseUrl: string) {}

  private async backends(): Promise<number[]> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const rows = await client.query<{ pid: number }>(`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
      return rows.rows.map((row) => row.pid);
    } finally {
      await client.end();
    }
  }

  async begin(): Promise<void> {
    this.before = new Map((await this.backends()).map((pid) => [pid, cpuSecondsOf(pid)]));
    this.watched = new Map();
    // New sessions (a pool growing, pgbench's clients) are found while the load runs.
    this.timer = setInterval(() => {
      void this.backends()
        .then((pids) => {
          for (const pid of pids) {
            const now = cpuSecondsOf(pid);
            if (now > 0) this.watched.set(pid, now);
          }
        })
        .catch(() => undefined);
    }, 500);
  }

  async end(): Promise<number> {
    if (this.timer !== null) clearInterval(this.timer);
    for (const pid of await this.backends().catch(() => [])) {
      const now = cpuSecondsOf(pid);
      if (now > 0) this.watched.set(pid, now);
    }
    let total = 0;
    for (const [pid, now] of this.watched) total += now - (this.before.get(pid) ?? 0);
    return total;
  }
}
