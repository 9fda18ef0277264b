/**
 * events.stream() against a real server through a TCP relay whose connections the test cuts: the
 * iterator reconnects from the last position it yielded, so the events arrive in order with no gap
 * and no repeat; a refusal ends it with a CofferError; abort and `break` end it quietly.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Coffer, type CofferEvent, CofferError, type Wallet } from '../../packages/sdk/src/index.js';
import { backends } from '../support/backends.js';
import { type SdkServer, startSdkServer } from './server.js';

interface Relay {
  readonly url: string;
  cutAll(): void;
  close(): Promise<void>;
}

async function startRelay(port: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cutAll: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

for (const backend of backends) {
  describe(`sdk events.stream [${backend.name}]`, () => {
    let server: SdkServer;
    let relay: Relay;
    let direct: Coffer;
    let wallet: Wallet;
    before(async () => {
      server = await startSdkServer(backend);
      relay = await startRelay(server.port);
      direct = server.client();
      const usd = await direct.currencies.importIso('USD');
      wallet = await direct.wallets.create({ currencyId: usd.id, customerId: 'streamer' });
    });
    after(async () => {
      await relay.close();
      await server.close();
    });

    it('delivers live events in order and, when the connection drops, resumes after the last one: no gap, no repeat', async () => {
      const feed = await direct.events.list({ after: '0' }).toArray();
      const start = feed.at(-1)?.position ?? '0';
      const controller = new AbortController();
      const seen: CofferEvent[] = [];
      let reconnects = 0;
      const sdk = server.client({ baseUrl: relay.url, initialRetryDelayMs: 20, maxRetryDelayMs: 100 });
      const reading = (async () => {
        for await (const event of sdk.events.stream({ after: start, signal: controller.signal, onReconnect: () => reconnects++ })) seen.push(event);
      })();
      const posted: string[] = [];
      for (let round = 0; round < 3; round++) {
        for (let index = 0; index < 4; index++) posted.push((await direct.topups.create({ walletId: wallet.id, amount: String(round * 10 + index + 1) })).id);
        await until(() => posted.every((id) => seen.some((event) => event.subjectId === id)), `round ${round} events`);
        relay.cutAll();
      }
      for (let index = 0; index < 3; index++) posted.push((await direct.topups.create({ walletId: wallet.id, amount: '100' })).id);
      await until(() => posted.every((id) => seen.some((event) => event.subjectId === id)), 'the events after the last cut');
      controller.abort();
      await reading; // ends quietly on abort
      assert.ok(reconnects >= 3, `reconnected after each cut (${reconnects})`);
      const positions = seen.map((event) => BigInt(event.position));
      for (const [index, position] of positions.entries())
        assert.equal(position, BigInt(start) + BigInt(index) + 1n, 'consecutive positions: no gap, no repeat');
      const all = await direct.events.list({ after: start }).toArray();
      assert.deepEqual(
        seen.map((event) => event.id),
        all.map((event) => event.id),
        'the stream saw exactly the feed',
      );
    });

    it('`break` closes the stream; a bad key ends it with a CofferError instead of reconnecting', async () => {
      const sdk = server.client();
      await direct.topups.create({ walletId: wallet.id, amount: '1' });
      for await (const event of sdk.events.stream({ after: '0' })) {
        assert.equal(event.position, '1');
        break;
      }
      const stranger = server.client({ apiKey: 'coffer_sk_not_a_key' });
      await assert.rejects(
        (async () => {
          for await (const _event of stranger.events.stream()) assert.fail('no event for a bad key');
        })(),
        (error: unknown) => error instanceof CofferError && error.status === 401 && error.code === 'unauthorized',
      );
    });
  });
}
