import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GroupCommitStats } from '../services/group-commit.js';

/**
 * Prometheus metrics, served at /metrics: process defaults, request durations per route, and how
 * group commit is coalescing (groups and requests so far: their ratio is the mean group size).
 */
export function registerMetrics(app: FastifyInstance, groupCommit: () => GroupCommitStats, databaseHeap?: () => number | undefined): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'coffer_' });
  new Gauge({
    name: 'coffer_embedded_database_heap_bytes',
    help: "The embedded database's WebAssembly heap (part of the process's resident memory; 0 on PostgreSQL).",
    registers: [registry],
    collect() {
      this.set(databaseHeap?.() ?? 0);
    },
  });
  for (const [name, help, read] of [
    ['coffer_group_commit_groups_total', 'Database transactions run by group commit.', (stats: GroupCommitStats) => stats.groups],
    [
      'coffer_group_commit_requests_total',
      'Requests run by group commit (divided by the groups: the mean group size).',
      (stats: GroupCommitStats) => stats.requests,
    ],
  ] as const) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read(groupCommit()));
      },
    });
  }
  const durations = new Histogram({
    name: 'coffer_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    durations.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}
