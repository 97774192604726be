// How fast the console's list pages and the ticket-number search answer with
// many tickets in the read model. The lists read only PostgreSQL (`tickets`),
// so the bench writes read-model rows directly (as the workflows' record
// activity would) and requests the pages in-process with a signed-in session,
// on an embedded PostgreSQL started here. Prints p50/p99 per page and size.
//   npx tsx bench/console-lists.ts [--sizes 1000,10000] [--requests 50]
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../api/app';
import { connectDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { startSession } from '../db/sessions';
import { createUser } from '../db/users';
import { loadConfig } from '../lib/config';
import { loadSlaPolicy } from '../lib/sla-policy';
import { startEmbeddedPostgres } from '../scripts/devstack/embedded-postgres';
import { freePort } from '../scripts/devstack/ports';
import { newTicketState } from '../workflows/ticket-rules';
import { PRIORITIES, SUPPORT_LEVELS, type TicketStatus } from '../workflows/ticket-types';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000' }, requests: { type: 'string', default: '50' } } });
const SIZES = values.sizes!.split(',').map(Number);
const REQUESTS = Number(values.requests);
const STATUSES: TicketStatus[] = ['new', 'open', 'in_progress', 'in_review', 'approved', 'waiting_customer', 'closed'];
const OWNERS = ['alice', 'bob', 'carol', null];
// Subjects as a desk sees them, each word in a twentieth of the tickets or fewer (not one subject for all, which no index can help).
const SUBJECTS = [
  'サーバが起動しません', 'プリンタで印刷できない', 'ライセンスの更新について', 'パスワードを忘れました', 'メールが届かない',
  'バックアップが失敗する', '請求書の再発行', 'VPN に接続できない', 'ディスク容量が不足', 'アップデート後にエラー',
  'Cannot log in', 'Invoice question', 'Server down since Monday', 'License renewal', 'Mail bounces',
  'Backup failed', 'Disk almost full', 'VPN drops every hour', 'Error after update', 'Password reset',
];

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-bench-console-'));
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort() });
  const db = connectDatabase(postgres.url, { max: 10 });
  try {
    await migrateToLatest(db);
    const config = loadConfig({ DATABASE_URL: postgres.url, TEMPORAL_ADDRESS: '127.0.0.1:1', DATA_DIR: dir, LOG_LEVEL: 'error' });
    // The list pages never call Temporal: a lazy connection that is never used.
    const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const app = createApp({ db, temporal, config, slaPolicy: loadSlaPolicy() });
    await createUser(db, { name: 'alice', role: 'agent', level: 'L1', password: 'bench-password-1' });
    const session = await startSession(db, 'alice', '127.0.0.1');
    const cookie = `hd_session=${session.id}`;
    const pages = ['/tickets?view=mine', '/tickets?view=new', '/tickets?view=review', '/tickets?view=breached', '/tickets?view=L2', '/tickets?view=closed', '/tickets?view=search&q=20261202', '/tickets?view=search&q=プリンタ', '/tickets?view=search&q=user4321@', '/tickets?view=search&q=backup'];
    const rows: string[] = [];
    let written = 0;
    for (const size of SIZES) {
      written = await writeTickets(db, written, size);
      await sql`ANALYZE tickets`.execute(db);
      for (const page of pages) {
        const ms: number[] = [];
        for (let i = 0; i < REQUESTS; i++) {
          const started = performance.now();
          const response = await app.request(page, { headers: { cookie, 'accept-language': 'ja' } });
          await response.text();
          if (response.status !== 200) throw new Error(`${page}: HTTP ${response.status}`);
          ms.push(performance.now() - started);
        }
        rows.push(`| ${size.toLocaleString('en')} | \`${page}\` | ${pct(ms, 50).toFixed(1)} | ${pct(ms, 99).toFixed(1)} |`);
      }
    }
    console.log(`\nConsole list pages, ${REQUESTS} requests each, in-process (app.request), embedded PostgreSQL ${new Date().toISOString().slice(0, 10)}:\n`);
    console.log('| tickets | page | p50 ms | p99 ms |\n| ---: | --- | ---: | ---: |');
    console.log(rows.join('\n'));
  } finally {
    await db.destroy();
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Read-model rows as the workflows write them, spread over statuses, owners, levels and priorities. */
async function writeTickets(db: ReturnType<typeof connectDatabase>, from: number, to: number): Promise<number> {
  const now = Date.now();
  for (let start = from; start < to; start += 500) {
    const batch = [];
    for (let i = start; i < Math.min(to, start + 500); i++) {
      const number = `20261202${String(i).padStart(5, '0')}`;
      const status = STATUSES[i % STATUSES.length];
      const createdAt = new Date(now - i * 60_000).toISOString();
      const state = {
        ...newTicketState({ number, subject: `${SUBJECTS[i % SUBJECTS.length]} ${i}`, customer: { email: `user${i}@example.jp`, name: `顧客 ${i}` }, channel: 'email', priority: PRIORITIES[i % 4], createdAt }),
        status,
        owner: OWNERS[i % OWNERS.length],
        supportLevel: SUPPORT_LEVELS[i % 3],
        memos: status === 'in_review' ? [{ id: String(i), author: 'bob', status: 'in_review' as const, createdAt }] : [],
      };
      const slaStatus = i % 11 === 0 ? 'breached' : i % 7 === 0 ? 'warning' : 'on_track';
      batch.push({
        number,
        subject: state.subject,
        customer_email: state.customer.email,
        customer_name: state.customer.name ?? null,
        channel: state.channel,
        status,
        queue: null,
        owner: state.owner,
        priority: state.priority,
        support_level: state.supportLevel,
        sla_status: slaStatus as 'on_track',
        resolution: null,
        refers_to: null,
        spam: false,
        version: 1,
        state: JSON.stringify({ ...state, slaStatus }) as never,
        created_at: createdAt,
        updated_at: createdAt,
        closed_at: status === 'closed' ? createdAt : null,
        next_due_at: status === 'closed' ? null : new Date(now + (i % 97) * 3_600_000).toISOString(),
      });
    }
    await db.insertInto('tickets').values(batch).execute();
  }
  return to;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

await main();
