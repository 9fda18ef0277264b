import { randomBytes } from 'node:crypto';
/**
 * The Coffer server processes under test (`coffer serve`), each on its own loopback port, all on
 * the harness's PostgreSQL. The fleet starts, kills, pauses and restarts them, and remembers
 * the last lines they wrote to stderr for the report when the harness itself fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bootstrapAdminKey } from '../../src/services/api-keys.js';
import { openStore } from '../../src/store/connect.js';
import { freePort } from '../free-port.js';
import { sleep } from './options.js';

/** The master secret (COFFER_SECRET_KEY) of this run's servers: PostgreSQL refuses to start without one. */
const fleetSecretKey = randomBytes(32).toString('hex');

export const adminKey = 'coffer_sk_chaos_admin_key_0123456789abcdef';
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const clockAheadModule = pathToFileURL(fileURLToPath(new URL('./clock-ahead.ts', import.meta.url))).href;

/**
 * Migrates the empty database and admits the admin key, as the first server would, so that all
 * servers can start at once: two bootstrapping the key into an empty database together race on
 * its unique index and one exits (docs/chaos.md, "Found on the way").
 */
export async function prepareDatabase(databaseUrl: string): Promise<void> {
  const store = await openStore({ databaseUrl, poolSize: 2 });
  try {
    await bootstrapAdminKey(store, adminKey, new Date());
  } finally {
    await store.close();
  }
}

export interface Server {
  readonly port: number;
  process: ChildProcess | null;
  /** SIGSTOPped: alive but not answering. */
  stopped: boolean;
  /** Killed on purpose and about to be restarted: its exit is not unexpected. */
  killed: boolean;
  /** The end of what it last wrote to stderr, for the report of an unexpected exit. */
  lastOutput: string;
}

export class Fleet {
  readonly servers: Server[] = [];
  readonly recentErrors: string[] = [];
  /** Servers that exited without being killed: each is a finding, with its exit status and last words. */
  readonly unexpectedExits: string[] = [];
  private clockAheadMs = 0;

  private constructor(private readonly databaseUrl: string) {}

  static async create(databaseUrl: string, count: number): Promise<Fleet> {
    const fleet = new Fleet(databaseUrl);
    for (let index = 0; index < count; index++) fleet.servers.push({ port: await freePort(), process: null, stopped: false, killed: false, lastOutput: '' });
    return fleet;
  }

  /** Servers that are running and not paused. */
  live(): Server[] {
    return this.servers.filter((server) => server.process !== null && !server.stopped);
  }

  start(server: Server): void {
    const imports = ['--import', 'tsx', ...(this.clockAheadMs > 0 ? ['--import', clockAheadModule] : [])];
    const child = spawn(process.execPath, [...imports, 'src/cli/main.ts', 'serve'], {
      cwd: repositoryRoot,
      env: {
        ...process.env,
        PORT: String(server.port),
        HOST: '127.0.0.1',
        DATABASE_URL: this.databaseUrl,
        COFFER_ADMIN_KEY: adminKey,
        LOG_LEVEL: 'warn',
        // Every server of the fleet shares one master secret, as a real deployment's processes do.
        COFFER_SECRET_KEY: fleetSecretKey,
        CHAOS_CLOCK_AHEAD_MS: String(this.clockAheadMs),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.recentErrors.push(`[${server.port}] ${String(chunk).slice(0, 500)}`);
      if (this.recentErrors.length > 20) this.recentErrors.shift();
      server.lastOutput = `${server.lastOutput}${String(chunk)}`.slice(-600);
    });
    server.process = child;
    server.stopped = false;
    server.lastOutput = '';
    child.on('exit', (code, signal) => {
      if (server.process !== child) return;
      server.process = null;
      if (!server.killed)
        this.unexpectedExits.push(`server on port ${server.port} exited (code ${code}, signal ${signal}): ${server.lastOutput.trim() || 'no output'}`);
    });
  }

  async waitReady(server: Server, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (server.process === null) throw new Error(`server on port ${server.port} exited while starting`);
      try {
        const response = await fetch(`http://127.0.0.1:${server.port}/readyz`, { signal: AbortSignal.timeout(1000) });
        if (response.ok) return;
      } catch {
        // not up yet
      }
      await sleep(150);
    }
    throw new Error(`server on port ${server.port} did not become ready in ${timeoutMs} ms`);
  }

  kill(server: Server): void {
    server.killed = true;
    server.process?.kill('SIGCONT');
    server.process?.kill('SIGKILL');
    server.process = null;
    server.stopped = false;
  }

  /** Restarts a server killed on purpose. */
  restart(server: Server): void {
    this.start(server);
    server.killed = false;
  }

  pause(server: Server): void {
    server.process?.kill('SIGSTOP');
    server.stopped = true;
  }

  resume(server: Server): void {
    server.process?.kill('SIGCONT');
    server.stopped = false;
  }

  /** Servers that die without being killed are findings: counted, and restarted so the run goes on. */
  watch(until: () => boolean): NodeJS.Timeout {
    return setInterval(() => {
      if (!until()) return;
      for (const server of this.servers) {
        if (server.process === null && !server.killed) this.start(server);
      }
    }, 1000);
  }

  /** Every server resumed or started, and answering; one that exits while starting is tried three times. */
  async heal(timeoutMs: number): Promise<void> {
    const healOne = async (server: Server) => {
      for (let attempt = 1; ; attempt++) {
        if (server.stopped) this.resume(server);
        if (server.process === null) this.restart(server);
        try {
          return await this.waitReady(server, timeoutMs);
        } catch (error) {
          if (attempt >= 3 || server.process !== null) throw error;
        }
      }
    };
    await Promise.all(this.servers.map(healOne));
  }

  /** Kills every server; those started next run with their clock `clockAheadMs` ahead. */
  killAll(clockAheadMs: number): void {
    for (const server of this.servers) this.kill(server);
    this.clockAheadMs = clockAheadMs;
  }

  /** Servers that are running (after the run, when no fault is injected any more). */
  running(): Server[] {
    return this.servers.filter((server) => server.process !== null);
  }

  stopAll(): void {
    for (const server of this.servers) {
      server.killed = true;
      server.process?.kill('SIGCONT');
      server.process?.kill('SIGKILL');
    }
  }
}
