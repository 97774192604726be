// Encoder throughput of activities/mail/iso-2022-jp.ts beside Python's
// iso2022_jp codec and nkf, on the same few MB of Japanese text (the reference
// documents repeated). Throughput is MB (10^6 bytes) of UTF-8 input per second,
// best of RUNS. Run: npx tsx bench/iso-2022-jp.ts
//
// Python times its encode call inside the interpreter; nkf is a whole process
// (startup + reading the file), so its startup time is measured and shown too.
// nkf comes from Debian: apt-get install -y nkf (skipped with a note if absent).

import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { decodeIso2022Jp, encodeIso2022Jp, findUnencodable, type JapaneseMailCharset } from '../activities/mail/iso-2022-jp';

// The reference documents sit beside the repository, in ../shared (read-only, not part of the product).
const REFERENCE_DIR = fileURLToPath(new URL('../../shared/reference', import.meta.url));
const TARGET_BYTES = 4_000_000;
const RUNS = 5;
const WORK_DIR = join(tmpdir(), 'helpdesk-bench-iso-2022-jp');

interface Row {
  name: string;
  seconds: number;
  /** sha256 of the output, to compare with ours; undefined when not comparable. */
  outputHash?: string;
  note?: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Reference lines all three encoders accept: plain JIS X 0208 (no Windows forms Python refuses). */
function buildCorpus(): string {
  const lines = readdirSync(REFERENCE_DIR)
    .filter((name) => name.endsWith('.txt'))
    .flatMap((name) => readFileSync(join(REFERENCE_DIR, name), 'utf8').split('\n'))
    .filter((line) => findUnencodable(line, 'iso-2022-jp').length === 0)
    .filter((line) => !/[\uff5e\u2225\uff0d\uffe0\uffe1\uffe2\u2014\uff61-\uff9f]/.test(line));
  const once = lines.join('\n') + '\n';
  return once.repeat(Math.ceil(TARGET_BYTES / Buffer.byteLength(once)));
}

function best(runs: number, work: () => void): number {
  work(); // warm-up: JIT, tables
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    work();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return fastest;
}

function ours(text: string, variant: JapaneseMailCharset): Row {
  let output: Buffer = Buffer.alloc(0);
  const seconds = best(RUNS, () => {
    const result = encodeIso2022Jp(text, variant);
    if (!result.ok) throw new Error(`corpus not encodable: ${result.unencodable.join(' ')}`);
    output = result.bytes;
  });
  return { name: `ours encodeIso2022Jp('${variant}')`, seconds, outputHash: sha256(output) };
}

function python(corpusFile: string): Row {
  const script = `
import sys, time, hashlib
text = open(sys.argv[1], encoding='utf-8').read()
best = float('inf')
for _ in range(${RUNS}):
    start = time.perf_counter()
    out = text.encode('iso2022_jp')
    best = min(best, time.perf_counter() - start)
print(best, hashlib.sha256(out).hexdigest(), sys.version.split()[0])`;
  const run = spawnSync('python3', ['-c', script, corpusFile], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  const [seconds, outputHash, version] = run.stdout.trim().split(' ');
  return { name: `Python ${version} str.encode('iso2022_jp')`, seconds: Number(seconds), outputHash };
}

function nkf(corpusFile: string, emptyFile: string): Row | undefined {
  const args = ['--ic=UTF-8', '--oc=ISO-2022-JP'];
  const probe = spawnSync('nkf', ['--version'], { encoding: 'utf8' });
  if (probe.error) return undefined;
  let output: Buffer = Buffer.alloc(0);
  const seconds = best(RUNS, () => {
    output = spawnSync('nkf', [...args, corpusFile], { maxBuffer: 1 << 30 }).stdout;
  });
  const startup = best(RUNS, () => spawnSync('nkf', [...args, emptyFile]));
  const version = probe.stdout.split('\n')[0].replace('Network Kanji Filter Version ', '').trim();
  return {
    name: `nkf ${version.split(' ')[0]} ${args.join(' ')}`,
    seconds,
    outputHash: sha256(output),
    note: `whole process; startup alone ${(startup * 1000).toFixed(1)} ms`,
  };
}

function baselines(text: string): Row[] {
  const encoded = encodeIso2022Jp(text, 'iso-2022-jp');
  if (!encoded.ok) return [];
  return [
    { name: 'ours decodeIso2022Jp (decoder, same text)', seconds: best(RUNS, () => decodeIso2022Jp(encoded.bytes)) },
    { name: "iconv-lite encode('euc-jp') (8-bit, no escapes)", seconds: best(RUNS, () => iconv.encode(text, 'euc-jp')) },
  ];
}

function printTable(rows: Row[], inputBytes: number): void {
  const reference = rows[0];
  const mbps = (row: Row) => inputBytes / row.seconds / 1e6;
  console.log(`input: ${(inputBytes / 1e6).toFixed(2)} MB UTF-8 (reference documents repeated), best of ${RUNS} runs\n`);
  console.log(['encoder'.padEnd(52), 'MB/s'.padStart(8), 'ms'.padStart(8), 'ours/it'.padStart(10), '  same bytes as ours'].join(''));
  for (const row of rows) {
    const same = row.outputHash === undefined ? '' : row.outputHash === reference.outputHash ? 'yes' : 'NO';
    console.log(
      [
        row.name.padEnd(52),
        mbps(row).toFixed(1).padStart(8),
        (row.seconds * 1000).toFixed(1).padStart(8),
        `${(mbps(reference) / mbps(row)).toFixed(2)}x`.padStart(10),
        `  ${same}`,
        row.note ? `  (${row.note})` : '',
      ].join(''),
    );
  }
}

function main(): void {
  mkdirSync(WORK_DIR, { recursive: true });
  const text = buildCorpus();
  const corpusFile = join(WORK_DIR, 'corpus.txt');
  const emptyFile = join(WORK_DIR, 'empty.txt');
  writeFileSync(corpusFile, text);
  writeFileSync(emptyFile, '');

  const rows: Row[] = [ours(text, 'iso-2022-jp'), ours(text, 'iso-2022-jp-ms'), python(corpusFile)];
  const nkfRow = nkf(corpusFile, emptyFile);
  if (nkfRow) rows.push(nkfRow);
  else console.log('nkf not installed (apt-get install -y nkf): skipped\n');
  rows.push(...baselines(text));
  printTable(rows, Buffer.byteLength(text));
}

main();
