// What a benchmark run of one filter produced, and how it is printed.

export type Outcome = 'spam' | 'unsure' | 'ham';

/** A message with its known answer; `path` is a raw RFC 822 file (bogofilter reads files). */
export interface LabelledMail {
  path: string;
  isSpam: boolean;
}

export interface FilterRun {
  filter: string;
  /** One outcome per test message, in order. */
  outcomes: Outcome[];
  trainSeconds: number;
  scoreSeconds: number;
  trainCount: number;
}

export interface Tally {
  hams: number;
  spams: number;
  /** Ham called spam. */
  falsePositives: number;
  /** Spam not called spam (unsure included). */
  falseNegatives: number;
  unsureSpams: number;
  unsureHams: number;
}

export function tally(test: readonly LabelledMail[], outcomes: readonly Outcome[]): Tally {
  const t: Tally = { hams: 0, spams: 0, falsePositives: 0, falseNegatives: 0, unsureSpams: 0, unsureHams: 0 };
  test.forEach((mail, i) => {
    const outcome = outcomes[i];
    if (mail.isSpam) {
      t.spams++;
      if (outcome !== 'spam') t.falseNegatives++;
      if (outcome === 'unsure') t.unsureSpams++;
    } else {
      t.hams++;
      if (outcome === 'spam') t.falsePositives++;
      if (outcome === 'unsure') t.unsureHams++;
    }
  });
  return t;
}

export function printTable(title: string, test: readonly LabelledMail[], runs: readonly FilterRun[]): void {
  const rows = runs.map((run) => {
    const t = tally(test, run.outcomes);
    return [
      run.filter,
      `${t.falsePositives} / ${t.hams}`,
      `${t.falseNegatives} / ${t.spams}`,
      String(t.unsureSpams),
      String(t.unsureHams),
      rate(run.trainCount, run.trainSeconds),
      rate(test.length, run.scoreSeconds),
    ];
  });
  const header = ['filter', 'ham→spam (FP)', 'spam not spam (FN)', 'of which unsure', 'ham unsure', 'train msg/s', 'score msg/s'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

function rate(count: number, seconds: number): string {
  return seconds > 0 ? Math.round(count / seconds).toLocaleString('en-US') : '-';
}
