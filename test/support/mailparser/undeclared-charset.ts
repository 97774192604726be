// Japanese mail sent without a charset parameter (old mailers, much spam) is
// usually raw Shift_JIS or EUC-JP; decoded as the default charset it becomes
// U+FFFD garbage that no token can learn from. For a single-part 8-bit body we
// try the Japanese encodings and keep the one that decodes cleanly.

import iconv from 'iconv-lite';

const CANDIDATES = ['utf-8', 'shift_jis', 'euc-jp'] as const;

/** True when mailparser's text shows bytes it could not decode. */
export function looksMisdecoded(text: string): boolean {
  return text.includes('\uFFFD');
}

/**
 * The body of a single-part message decoded with the candidate charset that
 * yields the fewest replacement characters, or undefined if the message is
 * multipart or its body is transfer-encoded (then mailparser's text stands).
 */
export function redecodeUndeclaredBody(raw: Buffer): string | undefined {
  const headerEnd = findBodyStart(raw);
  if (headerEnd < 0) return undefined;
  const headers = raw.subarray(0, headerEnd).toString('latin1').toLowerCase();
  if (headers.includes('multipart/') || headers.includes('base64') || headers.includes('quoted-printable')) {
    return undefined;
  }
  const body = raw.subarray(headerEnd);
  let best: string | undefined;
  let bestErrors = Infinity;
  for (const charset of CANDIDATES) {
    const decoded = iconv.decode(body, charset);
    const errors = countReplacements(decoded);
    if (errors < bestErrors) {
      best = decoded;
      bestErrors = errors;
    }
  }
  return best;
}

function findBodyStart(raw: Buffer): number {
  const lf = raw.indexOf('\n\n');
  const crlf = raw.indexOf('\r\n\r\n');
  if (lf < 0 && crlf < 0) return -1;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf + 2;
}

function countReplacements(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\uFFFD'); at >= 0; at = text.indexOf('\uFFFD', at + 1)) count++;
  return count;
}
