// A mail handed over by procmail, a .forward pipe or an mbox export often begins
// with the mbox envelope line, `From sender@example.com Mon Dec  1 10:00:00 2026`.
// That line is not a header (no colon after its first word): the parser skips it.
// Only parsing skips it; the raw bytes the desk stores (and hashes for the intake
// key) stay exactly as received.

const FROM_ = Buffer.from('From ', 'latin1');

/**
 * The message without a leading mbox `From ` line (and its CRLF or LF), as a view
 * of the same bytes; anything else unchanged. A `From ` line with no line break
 * after it is all there is, so it is left as it is.
 */
export function withoutMboxFromLine(raw: Buffer): Buffer {
  if (raw.length < FROM_.length || !raw.subarray(0, FROM_.length).equals(FROM_)) return raw;
  const lineEnd = raw.indexOf(0x0a);
  return lineEnd < 0 ? raw : raw.subarray(lineEnd + 1);
}
