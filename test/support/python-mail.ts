// Python's email package as an independent reader of the mail we write.
import { execFileSync } from 'node:child_process';

export interface PythonReading {
  subject: string | null;
  from: string | null;
  to: string | null;
  cc: string | null;
  replyTo: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string | null;
  ticket: string | null;
  autoSubmitted: string | null;
  contentType: string;
  charset: string | null;
  flowed: boolean;
  transferEncoding: string | null;
  /** The decoded text body, line breaks as LF. */
  body: string;
  defects: string[];
}

const SCRIPT = `
import sys, json, email, email.policy
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
h = lambda n: str(m[n]) if m[n] is not None else None
print(json.dumps({
  'subject': h('Subject'), 'from': h('From'), 'to': h('To'), 'cc': h('Cc'), 'replyTo': h('Reply-To'),
  'messageId': h('Message-ID'), 'inReplyTo': h('In-Reply-To'), 'references': h('References'),
  'ticket': h('X-Helpdesk-Ticket'), 'autoSubmitted': h('Auto-Submitted'),
  'contentType': m.get_content_type(), 'charset': m.get_content_charset(), 'flowed': m.get_param('format') == 'flowed',
  'transferEncoding': h('Content-Transfer-Encoding'),
  'body': m.get_content().replace('\\r\\n', '\\n'), 'defects': [type(d).__name__ for d in m.defects],
}))`;

export function pythonReads(raw: Buffer): PythonReading {
  return JSON.parse(execFileSync('python3', ['-c', SCRIPT], { input: raw, encoding: 'utf8' }));
}

/** RFC 3676 §4.2 with DelSp=yes: undo space-stuffing, join soft-broken lines, deleting the one trailing space. */
export function unflowDelSp(text: string): string {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.startsWith(' ') ? raw.slice(1) : raw;
    if (line.endsWith(' ')) pending += line.slice(0, -1);
    else {
      out.push(pending + line);
      pending = '';
    }
  }
  if (pending) out.push(pending);
  return out.join('\n');
}

/** The text a reader shows: soft breaks undone when the message is format=flowed. */
export function textOf(read: PythonReading): string {
  return read.flowed ? unflowDelSp(read.body) : read.body;
}
