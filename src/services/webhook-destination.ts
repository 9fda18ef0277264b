import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { CofferError } from '../domain/errors.js';

/** Addresses a webhook may not reach unless COFFER_WEBHOOKS_ALLOW_PRIVATE=true: loopback, private, link-local, reserved. */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96]] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** True when `address` (an IP literal) is loopback, private or otherwise not a public destination. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return isPrivateAddress(mapped[1] as string);
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) return blocked.check(address, 'ipv6');
  return true;
}

/** Checks the shape of a webhook URL: http(s), a host, no credentials, bounded length. */
export function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CofferError('webhook_url_invalid', 'The webhook URL is not a valid absolute URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CofferError('webhook_url_invalid', 'A webhook URL uses http or https.');
  if (url.username !== '' || url.password !== '') throw new CofferError('webhook_url_invalid', 'A webhook URL carries no credentials.');
  if (url.hostname === '') throw new CofferError('webhook_url_invalid', 'A webhook URL names a host.');
  return url;
}

/**
 * Refuses destinations that resolve to a loopback or private address (every address the name
 * resolves to is checked), unless `allowPrivate`. Checked at registration and again before every
 * delivery, so a name re-pointed at an internal address later is refused then.
 */
export async function checkWebhookDestination(text: string, allowPrivate: boolean): Promise<URL> {
  const url = parseWebhookUrl(text);
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch {
      throw new CofferError('webhook_url_invalid', `The webhook host ${host.slice(0, 100)} does not resolve.`);
    }
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
    throw new CofferError('webhook_destination_private', `The webhook host ${host.slice(0, 100)} is a loopback or private address; set COFFER_WEBHOOKS_ALLOW_PRIVATE=true to allow it.`);
  }
  return url;
}
