// Content-Transfer-Encoding: x-uuencode (also `uuencode`, `x-uue`): the pre-MIME way of
// sending a file, still written by some old mailers and scripts. Small enough to
// write here; no maintained npm package decodes it without bringing a whole parser.
//
//   begin 644 report.txt
//   M<F5P;W)T(&QI;F4@,0IR97!O<G0@;&EN92`R"@``
//   `
//   end

export interface Uudecoded {
  bytes: Buffer;
  /** The name on the `begin` line, if any. */
  filename: string | null;
  /** false: no `begin` line, or lines that are not uuencode; `bytes` is what could be read. */
  ok: boolean;
}

const BEGIN = /^begin(?:-base64)?\s+[0-7]{3,4}\s+(.+?)\s*$/;

/** One uuencoded line → its bytes; null when the line is not uuencode. */
function decodeLine(line: string): Buffer | null {
  // Characters 0x20–0x60 only; some encoders drop trailing spaces, so a short line is padded.
  if (!/^[\x20-\x60]+$/.test(line)) return null;
  const length = (line.charCodeAt(0) - 32) & 0x3f;
  const out = Buffer.alloc(length);
  let n = 0;
  for (let i = 1; n < length; i += 4) {
    const c = [0, 1, 2, 3].map((k) => ((line.charCodeAt(i + k) || 32) - 32) & 0x3f);
    const triple = [(c[0] << 2) | (c[1] >> 4), ((c[1] & 0xf) << 4) | (c[2] >> 2), ((c[2] & 0x3) << 6) | c[3]];
    for (const b of triple) if (n < length) out[n++] = b & 0xff;
  }
  return out;
}

export function decodeUuencode(text: string): Uudecoded {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => BEGIN.test(l));
  if (start < 0) return { bytes: Buffer.alloc(0), filename: null, ok: false };
  const filename = BEGIN.exec(lines[start])![1];
  const chunks: Buffer[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === 'end') return { bytes: Buffer.concat(chunks), filename, ok: true };
    if (line === '' || line === '`') continue;
    const bytes = decodeLine(line);
    if (!bytes) return { bytes: Buffer.concat(chunks), filename, ok: false };
    chunks.push(bytes);
  }
  // No `end` line: a truncated file.
  return { bytes: Buffer.concat(chunks), filename, ok: false };
}
