// Who may read /metrics: METRICS_ALLOWED_IPS (default loopback only), the same
// list for the API's /metrics and a worker's metrics server. No token: a
// scraper configured with a bearer token would need one that never expires and
// a role of its own; an address list is what scrapers are usually given.
import { BlockList, isIP } from 'node:net';
import { parseCidr } from '../config';

/** A check of a caller's address against the list (lib/config.ts validated every entry at start). */
export function scraperCheck(cidrs: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const entry of cidrs) {
    const cidr = parseCidr(entry);
    if (typeof cidr === 'string') throw new Error(`METRICS_ALLOWED_IPS: "${entry}" ${cidr}`);
    list.addSubnet(cidr.address, cidr.bits, cidr.family);
  }
  return (raw) => {
    // A socket's IPv4 peer on a dual-stack listener reads ::ffff:a.b.c.d; the list holds it as a.b.c.d.
    const address = raw?.replace(/^::ffff:(?=\d{1,3}(\.\d{1,3}){3}$)/i, '');
    const family = address ? isIP(address) : 0;
    return family !== 0 && list.check(address!, family === 4 ? 'ipv4' : 'ipv6');
  };
}
