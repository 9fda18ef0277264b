/** A real listening Coffer server (on a backend) and an SDK client pointed at it, for the SDK tests. */
import type { AddressInfo } from 'node:net';
import { Coffer, type CofferOptions } from '../../packages/sdk/src/index.js';
import type { Backend } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';

export interface SdkServer {
  readonly harness: Harness;
  readonly baseUrl: string;
  readonly port: number;
  client(options?: Partial<CofferOptions>): Coffer;
  close(): Promise<void>;
}

export async function startSdkServer(backend: Backend, env: Record<string, string> = {}): Promise<SdkServer> {
  const harness = await startHarness(backend, env);
  await harness.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = harness.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    harness,
    baseUrl,
    port,
    client: (options = {}) => new Coffer({ baseUrl, apiKey: harness.adminKey, ...options }),
    close: () => harness.close(),
  };
}
