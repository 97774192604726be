// Every mail of the corpus (test/fixtures/mail-corpus/) read by the product's decoder
// as its sender wrote it; and, as a second reader, Python's email package (default
// policy) where it reads the mail right, so our expectations are not only our own.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMail } from '../../activities/mail/decode';
import { CORPUS_DIR, loadCorpus, mismatches, type Reading } from '../fixtures/mail-corpus/corpus';

const corpus = loadCorpus();

function ourReading(raw: Buffer): Reading {
  const mail = decodeMail(raw);
  return {
    subject: mail.subject,
    from: mail.from?.address ?? null,
    fromName: mail.from?.name,
    replyTo: mail.replyTo[0]?.address,
    text: mail.text,
    attachments: mail.attachments,
    problems: mail.problems,
  };
}

interface PythonReading {
  subject: string | null;
  from: string | null;
  bodyType: string | null;
  body: string | null;
}

const PYTHON = `
import sys, json, email, email.policy
out = {}
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    r = {'subject': None, 'from': None, 'bodyType': None, 'body': None}
    try: r['subject'] = str(m['Subject']) if m['Subject'] is not None else ''
    except Exception: pass
    try: r['from'] = m['From'].addresses[0].addr_spec if m['From'] and m['From'].addresses else None
    except Exception: pass
    try:
        b = m.get_body(preferencelist=('plain', 'html'))
        if b is not None:
            r['bodyType'] = b.get_content_type()
            r['body'] = b.get_content().replace('\\r\\n', '\\n')
    except Exception: pass
    out[path] = r
print(json.dumps(out))
`;

/** Python 3 is one of the machine's requirements (the outbound tests read mail with it too): without it this fails, naming it. */
function pythonReadings(): Map<string, PythonReading> {
  const paths = corpus.map((c) => join(CORPUS_DIR, `${c.name}.eml`));
  const json = JSON.parse(execFileSync('python3', ['-c', PYTHON, ...paths], { encoding: 'utf8' })) as Record<string, PythonReading>;
  return new Map(corpus.map((c, i) => [c.name, json[paths[i]]]));
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('the mail corpus', () => {
  it('has at least 60 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
  });

  it('reads every mail as its sender wrote it', () => {
    const read = corpus.map((c) => ({ name: c.name, knownMiss: c.expected.knownMiss, wrong: mismatches(ourReading(c.raw), c.expected) }));
    const matched = read.filter((r) => r.wrong.length === 0).length;
    console.log(`corpus: ${matched}/${corpus.length} matched (decoder)`);
    for (const miss of read.filter((r) => r.knownMiss)) console.log(`known miss ${miss.name}: ${miss.knownMiss}`, miss.wrong);
    expect(read.filter((r) => r.wrong.length > 0 && !r.knownMiss)).toEqual([]);
  });

  it("agrees with Python's email package wherever Python reads the mail right", () => {
    const python = pythonReadings();
    const disagreements: string[] = [];
    let compared = 0;
    for (const c of corpus) {
      const py = python.get(c.name)!;
      const ours = decodeMail(c.raw);
      const differs = c.expected.pythonDiffers ?? {};
      if (!differs.subject && py.subject !== null) {
        compared++;
        if (oneLine(py.subject) !== oneLine(ours.subject)) disagreements.push(`${c.name} subject: python ${JSON.stringify(py.subject)}, ours ${JSON.stringify(ours.subject)}`);
      }
      if (!differs.from && c.expected.from !== undefined && py.from !== null && py.from !== (ours.from?.address ?? null)) {
        disagreements.push(`${c.name} from: python ${py.from}, ours ${ours.from?.address}`);
      }
      // Python gives an HTML body as its source: only plain bodies compare.
      if (!differs.body && py.bodyType === 'text/plain' && py.body !== null) {
        compared++;
        if (!oneLine(ours.text).includes(oneLine(py.body))) disagreements.push(`${c.name} body: python ${JSON.stringify(py.body)}, ours ${JSON.stringify(ours.text)}`);
      }
    }
    console.log(`corpus: ${compared - disagreements.length}/${compared} subjects and bodies as Python reads them`);
    expect(disagreements).toEqual([]);
  });
});
