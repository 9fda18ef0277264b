/**
 * verifyWebhook against the `standardwebhooks` reference signer (several signatures, tolerance,
 * tampering, wrong secrets, header shapes), and the exact minor/major amount helpers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { formatMinor, parseMajor, verifyWebhook, WebhookVerificationError } from '../../packages/sdk/src/index.js';

const secret = `whsec_${randomBytes(24).toString('base64')}`;
const other = `whsec_${randomBytes(24).toString('base64')}`;
const payload = JSON.stringify({ id: 'ev_1', position: '7', type: 'transaction.posted', timestamp: '2026-01-01T00:00:00.000Z', data: { amount: '1050' } });

function headersFor(signingSecret: string, at: Date, body = payload, id = 'msg_1'): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(signingSecret).sign(id, at, body) };
}

async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof WebhookVerificationError && pattern.test(error.message));
}

describe('verifyWebhook (Standard Webhooks)', () => {
  it('accepts what the reference signer signs, from a string, bytes, a Headers object or Node-style headers', async () => {
    const headers = headersFor(secret, new Date());
    const event = await verifyWebhook(payload, headers, secret);
    assert.equal(event.type, 'transaction.posted');
    assert.equal(event.position, '7');
    await verifyWebhook(new TextEncoder().encode(payload), new Headers(headers), secret);
    await verifyWebhook(payload, Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), [value]])), secret);
    new Webhook(secret).verify(payload, headers); // and the reference verifier agrees
  });

  it('accepts any one matching v1 signature among several (secret rotation)', async () => {
    const at = new Date();
    const mine = headersFor(secret, at)['webhook-signature'];
    const theirs = headersFor(other, at)['webhook-signature'];
    await verifyWebhook(payload, { ...headersFor(secret, at), 'webhook-signature': `${theirs} v2,abc ${mine}` }, secret);
    await refused(verifyWebhook(payload, { ...headersFor(secret, at), 'webhook-signature': `${theirs} v2,${mine?.slice(3)}` }, secret), /signature/);
  });

  it('refuses a tampered body, another secret, another id, and missing headers', async () => {
    const headers = headersFor(secret, new Date());
    await refused(verifyWebhook(payload.replace('1050', '9050'), headers, secret), /signature/);
    await refused(verifyWebhook(payload, headers, other), /signature/);
    await refused(verifyWebhook(payload, { ...headers, 'webhook-id': 'msg_2' }, secret), /signature/);
    await refused(verifyWebhook(payload, { 'webhook-id': 'msg_1', 'webhook-signature': headers['webhook-signature'] }, secret), /Missing/);
    await refused(verifyWebhook(payload, { ...headers, 'webhook-timestamp': 'soon' }, secret), /timestamp/);
  });

  it('refuses timestamps more than five minutes old or ahead, accepts them within', async () => {
    const now = Date.now();
    await verifyWebhook(payload, headersFor(secret, new Date(now - 290_000)), secret);
    await verifyWebhook(payload, headersFor(secret, new Date(now + 290_000)), secret);
    await refused(verifyWebhook(payload, headersFor(secret, new Date(now - 310_000)), secret), /too old/);
    await refused(verifyWebhook(payload, headersFor(secret, new Date(now + 310_000)), secret), /too new/);
    await verifyWebhook(payload, headersFor(secret, new Date(now - 600_000)), secret, { toleranceSeconds: 900 });
  });
});

describe('amount helpers', () => {
  it('formatMinor formats minor units exactly for any power-of-ten fraction', () => {
    assert.equal(formatMinor('1050', 100), '10.50');
    assert.equal(formatMinor(1050n, 100), '10.50');
    assert.equal(formatMinor('5', 100), '0.05');
    assert.equal(formatMinor(-5n, 100), '-0.05');
    assert.equal(formatMinor('7', 1), '7');
    assert.equal(formatMinor('9223372036854775807', 10n ** 18n), '9.223372036854775807');
    assert.equal(formatMinor('0', 1000), '0.000');
    assert.throws(() => formatMinor('1.5', 100), RangeError);
    assert.throws(() => formatMinor('10', 3), RangeError);
  });

  it('parseMajor parses exactly and refuses more decimals than the fraction allows', () => {
    assert.equal(parseMajor('10.50', 100), 1050n);
    assert.equal(parseMajor('10.5', 100), 1050n);
    assert.equal(parseMajor('10', 100), 1000n);
    assert.equal(parseMajor('-0.05', 100), -5n);
    assert.equal(parseMajor('12345678901234567.89', 100), 1234567890123456789n);
    assert.equal(parseMajor('3', 1), 3n);
    assert.throws(() => parseMajor('10.505', 100), RangeError);
    assert.throws(() => parseMajor('1.5', 1), RangeError);
    for (const bad of ['1e3', '+1', '1,5', '', '.5', 'abc', '1.']) assert.throws(() => parseMajor(bad, 100), RangeError, bad);
    for (const amount of ['0', '1', '99', '100', '123456789']) assert.equal(parseMajor(formatMinor(amount, 100), 100), BigInt(amount));
  });
});
