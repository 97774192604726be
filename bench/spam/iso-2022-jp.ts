// ISO-2022-JP encoding (RFC 1468) for the Japanese ham the benchmark wraps as
// mail: iconv-lite has no ISO-2022-JP encoder, but JIS X 0208 in EUC-JP is the
// same code with the high bit set, so we shift EUC-JP pairs down and add the
// escape sequences.

import iconv from 'iconv-lite';

const TO_JIS_X_0208 = Buffer.from([0x1b, 0x24, 0x42]); // ESC $ B
const TO_ASCII = Buffer.from([0x1b, 0x28, 0x42]); // ESC ( B

/** Characters outside ASCII and JIS X 0208 become '?'. Half-width katakana should be NFKC-folded first. */
export function encodeIso2022Jp(text: string): Buffer {
  const euc = iconv.encode(text.normalize('NFKC'), 'euc-jp');
  const out: number[] = [];
  let inJis = false;
  for (let i = 0; i < euc.length; i++) {
    const b = euc[i];
    if (b < 0x80) {
      if (inJis) out.push(...TO_ASCII);
      inJis = false;
      out.push(b);
    } else if (b >= 0xa1 && b <= 0xfe && i + 1 < euc.length) {
      if (!inJis) out.push(...TO_JIS_X_0208);
      inJis = true;
      out.push(b - 0x80, euc[i + 1] - 0x80);
      i++;
    } else {
      // 0x8E (half-width kana) and 0x8F (JIS X 0212) sequences have no place in ISO-2022-JP.
      if (b === 0x8e) i += 1;
      else if (b === 0x8f) i += 2;
      if (inJis) out.push(...TO_ASCII);
      inJis = false;
      out.push(0x3f);
    }
  }
  if (inJis) out.push(...TO_ASCII);
  return Buffer.from(out);
}
