// Extracted from docs/sdk.md (block 15) by `npm run sdk:examples`. Edit the doc, not this file.
import { createServer } from 'node:http';
import { verifyWebhook, WebhookVerificationError } from '@coffer/sdk';
declare const coffer: import('@coffer/sdk').Coffer;

const endpoint = await coffer.webhooks.create({ url: 'https://example.com/coffer', eventTypes: ['transaction.posted'] });
const secret = endpoint.secret; // whsec_…, shown once: store it

createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', async () => {
    try {
      const event = await verifyWebhook(body, request.headers, secret);
      console.log(event.type, event.position, event.data);
      response.writeHead(204).end();
    } catch (error) {
      response.writeHead(error instanceof WebhookVerificationError ? 400 : 500).end();
    }
  });
}).listen(3000);

await coffer.webhooks.update(endpoint.id, { description: 'ledger feed' });
const [delivery] = await coffer.webhooks.deliveries(endpoint.id).toArray(1);
if (delivery !== undefined) await coffer.webhooks.replay(endpoint.id, delivery.id);

export {};
