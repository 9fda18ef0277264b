/**
 * HAProxy in front of the Coffer processes, as a deployment would run it: round robin, each
 * server health-checked on /readyz every 300 ms (down after 2 failures, up after 1 success), a
 * refused connection retried on another server (`option redispatch`). Requests are never retried
 * by HAProxy once sent: a client retries a write itself, with its Idempotency-Key.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../chaos/options.js';

export class Balancer {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  static async start(binary: string, dir: string, port: number, serverPorts: readonly number[]): Promise<Balancer> {
    const config = [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode http',
      '  timeout connect 1s',
      '  timeout client 30s',
      '  timeout server 30s',
      '  retries 2',
      '  option redispatch',
      'frontend coffer',
      `  bind 127.0.0.1:${port}`,
      '  default_backend coffers',
      'backend coffers',
      '  balance roundrobin',
      '  option httpchk GET /readyz',
      '  http-check expect status 200',
      '  default-server inter 300ms fall 2 rise 1',
      ...serverPorts.map((serverPort, index) => `  server coffer${index + 1} 127.0.0.1:${serverPort} check`),
      '',
    ].join('\n');
    const path = join(dir, 'haproxy.cfg');
    writeFileSync(path, config);
    const child = spawn(binary, ['-f', path, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => (output = `${output}${String(chunk)}`.slice(-2000)));
    const balancer = new Balancer(port, child);
    for (let attempt = 0; attempt < 50; attempt++) {
      if (child.exitCode !== null) throw new Error(`haproxy exited: ${output}`);
      const up = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (up) return balancer;
      await sleep(200);
    }
    throw new Error(`haproxy did not answer: ${output}`);
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}
