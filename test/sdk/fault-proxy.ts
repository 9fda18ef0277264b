/**
 * A small HTTP proxy that misbehaves on purpose, between the SDK and a real server: it drops a
 * share of answers after the server gave them (the client sees the connection close, though the
 * server committed), cuts some connections while the server is still working, truncates some
 * bodies halfway, and delays others. Seeded, so a failure replays.
 */
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultPlan {
  /** Share of answers dropped after the server answered (socket closed, nothing sent). */
  readonly dropAfterAnswer: number;
  /** Share of requests whose client connection is cut while the server still works on them. */
  readonly cutInFlight: number;
  /** Share of answers cut halfway through the body. */
  readonly truncate: number;
  /** Share of answers delayed by up to maxDelayMs. */
  readonly delay: number;
  readonly maxDelayMs: number;
}

export interface FaultStats {
  forwarded: number;
  dropped: number;
  cut: number;
  truncated: number;
  delayed: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly stats: FaultStats;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, plan: FaultPlan, random: () => number): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const stats: FaultStats = { forwarded: 0, dropped: 0, cut: 0, truncated: 0, delayed: 0 };
  const server: Server = createServer((request, response) => {
    stats.forwarded++;
    const roll = random();
    const fault =
      roll < plan.dropAfterAnswer
        ? 'drop'
        : roll < plan.dropAfterAnswer + plan.cutInFlight
          ? 'cut'
          : roll < plan.dropAfterAnswer + plan.cutInFlight + plan.truncate
            ? 'truncate'
            : roll < plan.dropAfterAnswer + plan.cutInFlight + plan.truncate + plan.delay
              ? 'delay'
              : 'none';
    const delayMs = Math.floor(random() * plan.maxDelayMs);
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: { ...request.headers, host: upstream.host }, agent },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          if (fault === 'cut') return; // the client is long gone
          const body = Buffer.concat(chunks);
          const headers = { ...answer.headers };
          delete headers['transfer-encoding'];
          headers['content-length'] = String(body.length);
          if (fault === 'drop') {
            stats.dropped++;
            request.socket.destroy();
            return;
          }
          if (fault === 'truncate' && body.length > 1) {
            stats.truncated++;
            response.writeHead(answer.statusCode ?? 502, headers);
            response.write(body.subarray(0, Math.floor(body.length / 2)), () => request.socket.destroy());
            return;
          }
          const send = () => {
            response.writeHead(answer.statusCode ?? 502, headers);
            response.end(body);
          };
          if (fault === 'delay') {
            stats.delayed++;
            setTimeout(send, delayMs);
          } else send();
        });
      },
    );
    forward.on('error', () => request.socket.destroy());
    request.pipe(forward);
    if (fault === 'cut') {
      request.on('end', () => {
        stats.cut++;
        setTimeout(() => request.socket.destroy(), Math.floor(delayMs / 4));
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
