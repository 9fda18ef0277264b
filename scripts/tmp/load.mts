import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
const wallets: string[] = JSON.parse(readFileSync('/tmp/prof/wallets.json', 'utf8'));
const [port, seconds, conns, path] = [process.argv[2], Number(process.argv[3] ?? 8), Number(process.argv[4] ?? 64), process.argv[5] ?? '/v1/transfers'];
const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections: conns, duration: seconds, headers: { authorization: `Bearer ${process.env.KEY}`, 'content-type': 'application/json' },
  requests: [{ method: 'POST', setupRequest: (req: any) => { const a = Math.floor(Math.random()*wallets.length); let b = Math.floor(Math.random()*wallets.length); if (b===a) b=(a+1)%wallets.length;
    return { ...req, path, body: JSON.stringify({ fromWalletId: wallets[a], toWalletId: wallets[b], amount: '1' }), headers: { ...req.headers, 'idempotency-key': randomUUID() } }; } }] });
console.log(JSON.stringify({ rps: r['2xx']/r.duration, non2xx: r.non2xx, errors: r.errors, p50: r.latency.p50, p99: r.latency.p99 }));
