import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { CofferError } from '../domain/errors.js';

/**
 * Webhook destinations (docs/security.md "Webhook destinations"). A destination is judged by
 * the addresses its name resolves to, and the delivery connects to exactly the address that was
 * judged (the resolution is done once, by the connection's own `lookup`): a name that answers a
 * public address to the check and 127.0.0.1 to the connection (DNS rebinding) cannot reach it.
 */

/** Resolves a host name to its addresses (injectable: tests use an answer that changes between calls). */
export type Resolver = (host: string) => Promise<readonly { readonly address: string; readonly family: number }[]>;

export const systemResolver: Resolver = async (host) => dnsLookup(host, { all: true, verbatim: true });

/** Extra belt under ipaddr.js: networks refused whatever range name the library gives them. */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['2001::', 32],
  ['2002::', 16],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}
const mappedPrefix = new BlockList();
mappedPrefix.addSubnet('::ffff:0:0', 96, 'ipv6');

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d` in any spelling), or null. */
function mappedIpv4(address: string): string | null {
  if (!mappedPrefix.check(address, 'ipv6')) return null;
  const parts = ipaddr.IPv6.parse(dottedToHex(address)).parts;
  const high = parts[6] as number;
  const low = parts[7] as number;
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** `::1.2.3.4` → `::102:304`: ipaddr.js reads any trailing dotted quad as IPv4-mapped, which `::/96` is not. */
function dottedToHex(address: string): string {
  const quad = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (quad === null) return address;
  const [a, b, c, d] = quad.slice(2).map(Number) as [number, number, number, number];
  return `${quad[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/**
 * True only for a public unicast address: ipaddr.js must name its range `unicast` (IPv4-mapped
 * IPv6 is judged as the IPv4 inside), and it is in none of the blocked networks above.
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return ipaddr.IPv4.parse(address).range() === 'unicast' && !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const zoneless = address.replace(/%.*$/, '');
  if (zoneless !== address) return false;
  const inner = mappedIpv4(address);
  if (inner !== null) return isPublicAddress(inner);
  return ipaddr.IPv6.parse(dottedToHex(address)).range() === 'unicast' && !blocked.check(address, 'ipv6');
}

/** True when `address` (an IP literal) is loopback, private or otherwise not a public destination. */
export function isPrivateAddress(address: string): boolean {
  return !isPublicAddress(address);
}

/** Checks the shape of a webhook URL: http(s), a host, no credentials. */
export function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CofferError('webhook_url_invalid', 'The webhook URL is not a valid absolute URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CofferError('webhook_url_invalid', 'A webhook URL uses https.');
  if (url.username !== '' || url.password !== '') throw new CofferError('webhook_url_invalid', 'A webhook URL carries no credentials.');
  if (url.hostname === '') throw new CofferError('webhook_url_invalid', 'A webhook URL names a host.');
  return url;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function privateDestination(host: string): CofferError {
  return new CofferError(
    'webhook_destination_private',
    `The webhook host ${host.slice(0, 100)} is a loopback, private or reserved address; set COFFER_WEBHOOKS_ALLOW_PRIVATE=true (development only) to allow it.`,
  );
}

/**
 * The addresses a destination may be reached at: every address the name resolves to must be
 * public (unless `allowPrivate`), else the destination is refused.
 */
export async function resolveDestination(
  host: string,
  allowPrivate: boolean,
  resolver: Resolver = systemResolver,
): Promise<{ address: string; family: number }[]> {
  let addresses: { address: string; family: number }[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = (await resolver(host)).map((entry) => ({ address: entry.address, family: entry.family }));
    } catch {
      throw new CofferError('webhook_url_invalid', `The webhook host ${host.slice(0, 100)} does not resolve.`);
    }
  }
  if (addresses.length === 0) throw new CofferError('webhook_url_invalid', `The webhook host ${host.slice(0, 100)} does not resolve.`);
  if (!allowPrivate && addresses.some((entry) => !isPublicAddress(entry.address))) throw privateDestination(host);
  return addresses;
}

/**
 * Refuses destinations that resolve to a loopback, private or reserved address (every address
 * is checked), and plain http, unless `allowPrivate` (development). Checked at registration;
 * every delivery checks again, on the very connection it sends on (`postToWebhook`).
 */
export async function checkWebhookDestination(text: string, allowPrivate: boolean, resolver: Resolver = systemResolver): Promise<URL> {
  const url = parseWebhookUrl(text);
  await resolveDestination(hostOf(url), allowPrivate, resolver);
  if (url.protocol !== 'https:' && !allowPrivate)
    throw new CofferError('webhook_url_invalid', 'A webhook URL uses https (plain http only with COFFER_WEBHOOKS_ALLOW_PRIVATE=true).');
  return url;
}

export interface WebhookResponse {
  readonly status: number;
  readonly retryAfter: string | null;
}

/**
 * POSTs a delivery. The connection resolves the host once, through `lookup` below: the addresses
 * are judged and the socket connects to the judged address, so no second resolution can differ.
 * No redirect is followed (a 3xx is an answer like any other non-2xx).
 */
export async function postToWebhook(
  text: string,
  headers: Record<string, string>,
  body: string,
  options: { readonly allowPrivate: boolean; readonly timeoutMs: number; readonly resolver?: Resolver },
): Promise<WebhookResponse> {
  const url = parseWebhookUrl(text);
  if (url.protocol !== 'https:' && !options.allowPrivate)
    throw new CofferError('webhook_url_invalid', 'A webhook URL uses https (plain http only with COFFER_WEBHOOKS_ALLOW_PRIVATE=true).');
  const host = hostOf(url);
  // An IP literal is never looked up by the socket: judge it here.
  if (isIP(host) !== 0) await resolveDestination(host, options.allowPrivate);
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolveDestination(hostname, options.allowPrivate, options.resolver ?? systemResolver).then(
      (addresses) => {
        const chosen =
          addresses.find((entry) => lookupOptions.family === undefined || lookupOptions.family === 0 || entry.family === lookupOptions.family) ?? addresses[0];
        if (lookupOptions.all === true) callback(null, chosen === undefined ? [] : [chosen]);
        else callback(null, chosen?.address ?? '', chosen?.family ?? 4);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 4),
    );
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<WebhookResponse>((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup,
        // A fresh connection per delivery: a pooled socket would skip the check above.
        agent: false,
        timeout: options.timeoutMs,
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        response.resume();
        response.on('error', () => undefined);
        const retryAfter = response.headers['retry-after'];
        resolve({ status: response.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : null });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
