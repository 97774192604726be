// `url:` tokens for the hosts that links point to, shared by the text and
// HTML scanners of the spam tokenizer.

/** Hosts longer than this are random-looking spam subdomains; the registrable domain still counts. */
const MAX_HOST_LENGTH = 60;

/**
 * `url:` tokens for a link's host: the host itself and its registrable domain
 * (spam rotates subdomains; the domain stays). Accepts "user@host:port" forms.
 */
export function addHostTokens(rawHost: string, tokens: Set<string>): void {
  let host = rawHost.toLowerCase();
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.substring(at + 1);
  const colon = host.indexOf(':');
  if (colon >= 0) host = host.substring(0, colon);
  while (host.endsWith('.')) host = host.substring(0, host.length - 1);
  if (host.length === 0) return;
  if (isIpAddress(host)) {
    tokens.add('url:ip');
    tokens.add('url:' + host);
    return;
  }
  const domain = registrableDomain(host);
  if (host.length <= MAX_HOST_LENGTH) tokens.add('url:' + host);
  if (domain !== host && domain.length <= MAX_HOST_LENGTH) tokens.add('url:' + domain);
}

function isIpAddress(host: string): boolean {
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if ((c < 0x30 || c > 0x39) && c !== 0x2e) return false;
  }
  return true;
}

/** Second-level labels under which Japanese (and similar ccTLD) domains are registered: example.co.jp. */
const SECOND_LEVEL_LABELS = new Set(['co', 'ne', 'or', 'ac', 'go', 'ad', 'ed', 'gr', 'lg', 'com', 'net', 'org', 'gov', 'edu']);

/** "mail.shop.example.co.jp" → "example.co.jp"; "a.b.example.com" → "example.com". */
export function registrableDomain(host: string): string {
  const last = host.lastIndexOf('.');
  if (last <= 0) return host;
  const second = host.lastIndexOf('.', last - 1);
  if (second < 0) return host;
  const tld = host.substring(last + 1);
  const secondLabel = host.substring(second + 1, last);
  if (tld.length === 2 && SECOND_LEVEL_LABELS.has(secondLabel)) {
    const third = host.lastIndexOf('.', second - 1);
    return host.substring(third + 1);
  }
  return host.substring(second + 1);
}
