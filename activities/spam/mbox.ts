// Mail folders for seeding the filter: an mbox file holds many messages, each
// starting with a "From " line; anything else is one message per file.

/** A file whose first line starts with "From " is an mbox. */
export function isMbox(bytes: Buffer): boolean {
  return bytes.subarray(0, 5).toString('latin1') === 'From ';
}

/**
 * The messages of an mbox, without their "From " lines. Writers escape body
 * lines starting "From " as ">From " (mboxrd: ">>From " for ">From "), so a
 * line starting "From " always begins a message; one '>' is removed again.
 */
export function splitMbox(bytes: Buffer): Buffer[] {
  const text = bytes.toString('latin1');
  const starts: number[] = text.startsWith('From ') ? [0] : [];
  for (let at = text.indexOf('\nFrom '); at >= 0; at = text.indexOf('\nFrom ', at + 1)) starts.push(at + 1);
  const messages: Buffer[] = [];
  for (let i = 0; i < starts.length; i++) {
    const bodyStart = text.indexOf('\n', starts[i]) + 1;
    if (bodyStart === 0) continue; // a "From " line and nothing after it
    const end = i + 1 < starts.length ? starts[i + 1] : text.length;
    // The blank line before the next "From " line separates messages; it is not part of the message.
    const message = text.substring(bodyStart, end).replace(/\r?\n$/, '').replace(/^>(>*From )/gm, '$1');
    if (message.trim() !== '') messages.push(Buffer.from(message, 'latin1'));
  }
  return messages;
}
