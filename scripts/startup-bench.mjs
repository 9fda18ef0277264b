// `npm run startup-bench`: how fast `coffer serve` (the compiled build) answers /readyz and how much
// memory it holds at rest. Embedded database: a first start (empty directory) and a warm start; RSS
// at rest with the PGlite heap reported apart. PostgreSQL (when DATABASE_URL or TEST_DATABASE_URL is
// set): a first start (fresh database, migrations) and a warm start. Prints a table; docs/operations.md
// records the figures.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const restSeconds = Number(process.env.REST_SECONDS ?? 5);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

async function rssBytes(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** CPU seconds (user + system) the process has used: unlike wall time, barely moved by other jobs' load. */
async function cpuSeconds(pid) {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function start(env) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'bin/coffer.mjs'), 'serve'], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      COFFER_ADMIN_KEY: `coffer_sk_${'b'.repeat(43)}`,
      COFFER_SECRET_KEY: 'startup-bench-master-secret-0123456789abcdef',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${output}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const readySeconds = (performance.now() - started) / 1000;
  const readyCpu = await cpuSeconds(child.pid);
  await new Promise((resolve) => setTimeout(resolve, restSeconds * 1000));
  const rss = await rssBytes(child.pid);
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const heap = Number(/^coffer_embedded_database_heap_bytes (\d+)/m.exec(metrics)?.[1] ?? 0);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stopping = performance.now();
  child.kill('SIGTERM');
  const code = await exited;
  return { readySeconds, readyCpu, rss, heap, stopSeconds: (performance.now() - stopping) / 1000, code, output };
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rows = [];
const report = (backend, phase, run) => {
  rows.push({
    backend,
    phase,
    ready: `${run.readySeconds.toFixed(2)} s`,
    cpu: `${run.readyCpu.toFixed(2)} s`,
    rss: mb(run.rss),
    database: run.heap > 0 ? mb(run.heap) : '-',
    node: mb(run.rss - run.heap),
    stop: `${run.stopSeconds.toFixed(2)} s, exit ${run.code}`,
  });
};

const dir = await mkdtemp(join(tmpdir(), 'coffer-startup-'));
const dataDir = join(dir, 'data');
try {
  report('embedded', 'first start', await start({ COFFER_DATA_DIR: dataDir, DATABASE_URL: '' }));
  report('embedded', 'warm start', await start({ COFFER_DATA_DIR: dataDir, DATABASE_URL: '' }));
} finally {
  await rm(dir, { recursive: true, force: true });
  await rm(`${dataDir}.lock`, { force: true });
}

const url = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
if (url) {
  const { default: pg } = await import('pg');
  const name = `coffer_startup_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  try {
    const target = new URL(url);
    target.pathname = `/${name}`;
    report('postgres', 'first start', await start({ DATABASE_URL: target.toString() }));
    report('postgres', 'warm start', await start({ DATABASE_URL: target.toString() }));
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
} else {
  rows.push({ backend: 'postgres', phase: 'not measured: set DATABASE_URL or TEST_DATABASE_URL' });
}

const columns = ['backend', 'phase', 'ready', 'cpu', 'rss', 'database', 'node', 'stop'];
const headers = {
  backend: 'backend',
  phase: 'phase',
  ready: 'to /readyz 200',
  cpu: 'CPU to ready',
  rss: 'RSS at rest',
  database: 'PGlite heap',
  node: 'Node side',
  stop: 'SIGTERM to exit',
};
const widths = columns.map((column) => Math.max(headers[column].length, ...rows.map((row) => String(row[column] ?? '').length)));
const line = (row) =>
  columns
    .map((column, index) => String(row[column] ?? '').padEnd(widths[index]))
    .join('  ')
    .trimEnd();
process.stdout.write(`${line(headers)}\n${rows.map(line).join('\n')}\n`);
process.stdout.write(
  `(Node ${process.version}, load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}, RSS read ${restSeconds} s after ready)\n`,
);
