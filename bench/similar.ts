// How well and how fast "similar past tickets" answers, on an embedded
// PostgreSQL started here.
//
// Quality: 30 support problems, each written twice by hand as a closed past
// ticket (subject, inquiry, resolution) in Japanese and in English, and each
// asked again as a new ticket in other words (60 questions). No public set of
// Japanese support questions with their duplicates is installable from the
// registries this machine reaches, so the set is ours (PAIRS below). A
// question's right answers are the two past tickets of its problem (either
// language helps the desk). Reported: P@1 (the first is right), hit@5 (a
// right one among the five) and P@5 (right ones among the five / 5; at most
// 0.4 here, two right answers per question).
//
// Scale: synthetic filler tickets (random products, symptoms, error codes and
// resolutions in both languages, sharing vocabulary with the real ones) are
// added until 10,000 and then 100,000 past tickets are indexed; each
// question is asked REPEAT times at each size, in-process (db/similar-tickets.ts).
//   npx tsx bench/similar.ts [--sizes 10000,100000] [--repeat 3]
import { sql, type Kysely } from 'kysely';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connectDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import type { Database } from '../db/schema';
import { similarTickets } from '../db/similar-tickets';
import { indexClosedTickets } from '../lib/similar/indexing';
import { startEmbeddedPostgres } from '../scripts/devstack/embedded-postgres';
import { freePort } from '../scripts/devstack/ports';
import { newTicketState } from '../workflows/ticket-rules';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000' }, repeat: { type: 'string', default: '3' } } });
const SIZES = values.sizes!.split(',').map(Number);
const REPEAT = Number(values.repeat);

interface Ticket {
  number: string;
  subject: string;
  inquiry: string;
  resolution?: string;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-bench-similar-'));
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort() });
  const db = connectDatabase(postgres.url, { max: 4 });
  try {
    await migrateToLatest(db);
    const { past, questions, problemOf } = evaluationSet();
    await writeTickets(db, past, 'closed');
    await writeTickets(db, questions, 'in_progress');
    let written = past.length;
    const rows: string[] = [];
    for (const size of SIZES) {
      const fillStart = performance.now();
      await writeTickets(db, filler(written, size - written), 'closed');
      written = size;
      const indexStart = performance.now();
      await indexClosedTickets(db);
      await sql`analyze`.execute(db);
      const indexed = performance.now();
      const result = await ask(db, questions, problemOf);
      rows.push(
        `| ${size.toLocaleString('en')} | ${result.p1.toFixed(2)} | ${result.hit5.toFixed(2)} | ${result.p5.toFixed(2)} | ${pct(result.ms, 50).toFixed(1)} | ${pct(result.ms, 99).toFixed(1)} | ${((indexed - indexStart) / 1000).toFixed(1)} |`,
      );
      console.log(`${size} past tickets: written in ${((indexStart - fillStart) / 1000).toFixed(1)} s; misses: ${result.misses.join('; ') || 'none'}`);
    }
    console.log(`\nSimilar past tickets, ${questions.length} questions × ${REPEAT}, in-process, embedded PostgreSQL, ${new Date().toISOString().slice(0, 10)}:\n`);
    console.log('| past tickets | P@1 | hit@5 | P@5 | p50 ms | p99 ms | catch-up index s |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(rows.join('\n'));
  } finally {
    await db.destroy();
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Asks every question REPEAT times; the quality figures come from the first round. */
async function ask(db: Kysely<Database>, questions: Ticket[], problemOf: Map<string, number>) {
  const ms: number[] = [];
  let p1 = 0;
  let hit5 = 0;
  let p5 = 0;
  const misses: string[] = [];
  for (let round = 0; round < REPEAT; round++) {
    for (const question of questions) {
      const started = performance.now();
      const found = (await similarTickets(db, question.number)) ?? [];
      ms.push(performance.now() - started);
      if (round > 0) continue;
      const problem = problemOf.get(question.number);
      const right = found.map((f) => problemOf.get(f.number) === problem);
      if (right[0]) p1++;
      else misses.push(`${question.subject} → ${found[0]?.subject ?? 'nothing'}${right.includes(true) ? ` (right one at ${right.indexOf(true) + 1})` : ''}`);
      if (right.includes(true)) hit5++;
      p5 += right.filter(Boolean).length / 5;
    }
  }
  const n = questions.length;
  return { ms, p1: p1 / n, hit5: hit5 / n, p5: p5 / n, misses };
}

/** The past tickets (both languages) and the questions, numbered, with each one's problem. */
function evaluationSet() {
  const past: Ticket[] = [];
  const questions: Ticket[] = [];
  const problemOf = new Map<string, number>();
  PAIRS.forEach((pair, problem) => {
    for (const [lang, side] of [['ja', pair.ja], ['en', pair.en]] as const) {
      const offset = lang === 'ja' ? 0 : 100;
      const pastNumber = `2026010100${String(problem + offset).padStart(3, '0')}`;
      const questionNumber = `2026120100${String(problem + offset).padStart(3, '0')}`;
      past.push({ number: pastNumber, subject: side[0], inquiry: side[1], resolution: side[2] });
      questions.push({ number: questionNumber, subject: side[3], inquiry: side[4] });
      problemOf.set(pastNumber, problem);
      problemOf.set(questionNumber, problem);
    }
  });
  return { past, questions, problemOf };
}

/** Read-model rows and their inquiries, as the workflows and the intake would write them. */
async function writeTickets(db: Kysely<Database>, tickets: Ticket[], status: 'closed' | 'in_progress'): Promise<void> {
  const at = new Date('2026-06-01T00:00:00Z').toISOString();
  for (let start = 0; start < tickets.length; start += 1000) {
    const batch = tickets.slice(start, start + 1000);
    await db
      .insertInto('tickets')
      .values(
        batch.map((t) => {
          const state = { ...newTicketState({ number: t.number, subject: t.subject, customer: { email: 'bench@example.jp' }, channel: 'email', priority: 'P3', createdAt: at }), status, resolution: t.resolution };
          return {
            number: t.number, subject: t.subject, customer_email: 'bench@example.jp', customer_name: null, channel: 'email' as const, status, queue: null, owner: 'alice',
            priority: 'P3' as const, support_level: 'L1' as const, sla_status: 'met' as const, resolution: t.resolution ?? null, refers_to: null, spam: false, version: 1,
            state: JSON.stringify({ ...state, slaStatus: 'met' }) as never, created_at: at, updated_at: at, closed_at: status === 'closed' ? at : null, next_due_at: null,
          };
        }),
      )
      .execute();
    await db
      .insertInto('articles')
      .values(batch.map((t) => ({ ticket_number: t.number, kind: 'inquiry' as const, direction: 'inbound' as const, channel: 'email', subject: t.subject, body: t.inquiry })))
      .execute();
  }
}

/** Deterministic filler: the same tickets on every run. */
function filler(from: number, count: number): Ticket[] {
  let seed = 0x5eed + from;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const code = () => pick(['E', 'ERR-', '0x8007', 'ORA-', 'HTTP ', 'AH0', 'KB']) + String(Math.floor(random() * 100000)).padStart(4, '0');
  const version = () => `${1 + Math.floor(random() * 20)}.${Math.floor(random() * 10)}.${Math.floor(random() * 30)}`;
  const tickets: Ticket[] = [];
  for (let i = 0; i < count; i++) {
    const number = `2026060${String(from + i).padStart(7, '0')}`;
    const product = pick(PRODUCTS);
    if (random() < 0.5) {
      const symptom = pick(JA_SYMPTOMS);
      tickets.push({
        number,
        subject: `${product}が${symptom}`,
        inquiry: `お世話になっております。${pick(JA_WHEN)}${product} ${version()}が${symptom}。${pick(JA_DETAILS)}エラーコードは${code()}です。${pick(JA_ASKS)}よろしくお願いいたします。`,
        resolution: `${pick(JA_FIXES)}（${pick(PRODUCTS)} ${version()}）`,
      });
    } else {
      const symptom = pick(EN_SYMPTOMS);
      tickets.push({
        number,
        subject: `${product} ${symptom}`,
        inquiry: `Hello, ${pick(EN_WHEN)} ${product} ${version()} ${symptom}. ${pick(EN_DETAILS)} The error code is ${code()}. ${pick(EN_ASKS)}`,
        resolution: `${pick(EN_FIXES)} (${pick(PRODUCTS)} ${version()})`,
      });
    }
  }
  return tickets;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const PRODUCTS = [
  'nginx', 'Apache', 'PostgreSQL', 'MySQL', 'Oracle', 'Redis', 'Docker', 'Kubernetes', 'Windows', 'Outlook', 'Excel', 'VPN', 'Tomcat', 'Elasticsearch',
  'Zabbix', 'Jenkins', 'GitLab', 'Samba', 'Postfix', 'Active Directory', 'Node.js', 'Python', 'Java', 'S3', 'Ansible', 'Terraform', 'Grafana', 'Kafka',
  'RabbitMQ', 'WordPress', 'PHP', 'OpenLDAP', 'BIND', 'HAProxy', 'Chrome', 'Teams', 'Slack', 'SharePoint', 'OneDrive', 'Firefox',
];
const JA_SYMPTOMS = ['起動しません', '遅くなりました', 'エラーになります', '接続できません', '応答しません', '停止しました', 'ログインできません', '同期されません', '表示されません', 'インストールできません', 'タイムアウトします', 'メモリを大量に消費します', 'CPU使用率が高いです', '文字化けします', 'クラッシュします'];
const JA_WHEN = ['昨日から', '今朝から', 'アップデート後に', '再起動してから', '先週より', '設定変更後、', '本番環境で', '検証環境で', '一部のユーザーで', '夜間に'];
const JA_DETAILS = ['ログを確認しましたが原因が分かりません。', '再起動しても改善しません。', '他のサーバでは発生していません。', '設定は変更していません。', '頻度は1日に数回です。', 'ネットワークには問題ありません。', 'ユーザーから問い合わせが来ています。'];
const JA_ASKS = ['対処方法を教えてください。', '原因の調査をお願いします。', '回避策はありますか。', '至急ご確認ください。'];
const JA_FIXES = ['設定ファイルを修正し再起動で解決', 'バージョンアップで解消', 'キャッシュを削除して解決', '権限を付与して解決', 'ネットワーク設定の見直しで解決', 'メモリ割り当てを増やして解消', '再インストールで解決', 'ベンダーのパッチ適用で解消', '証明書を更新して解決', 'ディスクを増設して解決'];
const EN_SYMPTOMS = ['does not start', 'is very slow', 'throws an error', 'cannot connect', 'stopped responding', 'crashed', 'rejects logins', 'does not sync', 'shows a blank page', 'fails to install', 'times out', 'uses too much memory', 'has high CPU usage', 'shows garbled text', 'keeps restarting'];
const EN_WHEN = ['since yesterday', 'since this morning', 'after the update', 'after a reboot', 'since last week', 'after a config change', 'in production', 'in staging', 'for some users', 'every night'];
const EN_DETAILS = ['The logs do not show a cause.', 'Restarting did not help.', 'Other servers are fine.', 'We changed nothing.', 'It happens a few times a day.', 'The network looks fine.', 'Users are complaining.'];
const EN_ASKS = ['How can we fix this?', 'Please investigate.', 'Is there a workaround?', 'Please check urgently.', 'Thanks for your help.'];
const EN_FIXES = ['Fixed the configuration file and restarted', 'Upgraded to the latest version', 'Cleared the cache', 'Granted the missing permission', 'Corrected the network settings', 'Increased the memory allocation', 'Reinstalled the package', 'Applied the vendor patch', 'Renewed the certificate', 'Added disk space'];

/** Each problem as [subject, inquiry, resolution, new subject, new inquiry in other words], in Japanese and English. */
type Side = [string, string, string, string, string];
const PAIRS: { ja: Side; en: Side }[] = [
  {
    ja: ['PostgreSQLに接続できない', 'アプリからPostgreSQLへ接続するとconnection refusedになります。pg_hba.confは変更していません。', 'listen_addressesがlocalhostのみだったため * に変更し再起動で解決。', 'DBサーバへの接続がエラーになる', '本番のWebアプリがデータベースに繋がりません。ログにはconnection refusedと出ています。ポート5432は開いているはずです。'],
    en: ['Cannot connect to PostgreSQL after upgrade', 'After upgrading to PostgreSQL 15 our app fails with FATAL: password authentication failed for user app.', 'The upgrade switched password_encryption to scram-sha-256; reset the password and updated pg_hba.conf.', "Database login rejected since last weekend's update", 'Since the version bump on Saturday the application can no longer log in to the database: authentication failed for the app user.'],
  },
  {
    ja: ['nginxで502 Bad Gatewayが出る', 'リバースプロキシのnginx経由でアクセスすると502エラーが返ります。バックエンドのNode.jsは動いています。', 'upstreamのポート指定誤り。proxy_passを3000に修正。', 'Webページが表示されずゲートウェイエラー', 'ブラウザで開くとBad Gatewayと表示されます。アプリのプロセス自体は起動しています。プロキシの設定を見直すべきでしょうか。'],
    en: ['nginx returns 504 Gateway Timeout', 'Long report requests end with 504 Gateway Time-out from nginx.', 'Raised proxy_read_timeout to 300s.', 'Reports time out behind the proxy', 'Generating the monthly report takes a few minutes and the browser shows a gateway time-out error.'],
  },
  {
    ja: ['Javaアプリがメモリ不足で落ちる', '夜間バッチ実行中にjava.lang.OutOfMemoryError: Java heap spaceで異常終了します。', '-Xmxを2gから4gに増やし解決。', 'バッチ処理が途中で停止する', '毎晩のバッチが途中で止まり、ログにOutOfMemoryErrorが出ていました。ヒープの設定を確認したいです。'],
    en: ['Java service crashes with OutOfMemoryError', 'Our Spring Boot service dies every few days with java.lang.OutOfMemoryError: Metaspace.', 'Class loader leak from hot redeploys; set -XX:MaxMetaspaceSize and fixed the redeploy.', 'Service keeps dying after a few days', 'The Spring application stops responding roughly twice a week; the log ends with OutOfMemoryError Metaspace.'],
  },
  {
    ja: ['SSL証明書の期限切れ警告', 'ブラウザで証明書の有効期限が切れていると警告されます。Let\'s Encryptの自動更新が動いていないようです。', 'certbotのタイマーが停止していたため再設定し、certbot renewで更新。', 'サイトにアクセスすると安全でないと表示される', 'お客様から、当社サイトが「保護されていない通信」と出るとの連絡がありました。certbotで取得した証明書です。'],
    en: ["Let's Encrypt certificate not renewed", 'Our site shows NET::ERR_CERT_DATE_INVALID; certbot renewal seems to have stopped.', 'The certbot timer was disabled; re-enabled the systemd timer and ran certbot renew.', 'Browsers warn our site is not secure', 'Customers report a certificate date invalid warning on our website. We use certbot.'],
  },
  {
    ja: ['ディスク容量不足でサービス停止', '/var/logが肥大化してディスクが100%になり、サービスが停止しました。', 'logrotateの設定を追加し古いログを圧縮・削除。', '空き容量がなくなりアプリが書き込めない', 'No space left on deviceというエラーでアプリが動かなくなりました。ログファイルが大きくなっているようです。'],
    en: ['Disk full on /var', 'The server stopped writing: No space left on device. /var/log is huge.', 'Configured logrotate with compression and cleaned the journal.', 'Application cannot write files anymore', 'Writes fail with no space left on device; log files seem to have grown a lot.'],
  },
  {
    ja: ['Windows Updateがエラー0x80070005で失敗', '更新プログラムの適用時にエラーコード0x80070005が表示され失敗します。', 'アクセス権限の問題。管理者権限で実行し、SoftwareDistributionフォルダを再作成して解決。', '更新が適用できない', 'Windowsの更新が毎回失敗します。コードは0x80070005です。'],
    en: ['Windows Update fails with 0x80070005', 'Installing updates fails with error 0x80070005 (access denied).', 'Reset SoftwareDistribution and ran as administrator.', "Updates won't install", 'Every attempt to install the monthly patches ends with 0x80070005.'],
  },
  {
    ja: ['Oracle接続でORA-12154', 'SQL*PlusでORA-12154: TNS:could not resolve the connect identifier specifiedが出て接続できません。', 'tnsnames.oraのサービス名の誤記を修正。TNS_ADMINも設定。', 'Oracleにログインできない', 'クライアントから接続しようとするとTNSのエラー（ORA-12154）になります。'],
    en: ['ORA-12154 when connecting with SQL*Plus', 'SQL*Plus says ORA-12154: TNS:could not resolve the connect identifier specified.', 'Typo in the tnsnames.ora service name; set TNS_ADMIN.', 'Oracle client cannot resolve the service', 'Our reporting tool cannot reach Oracle; it fails with ORA-12154.'],
  },
  {
    ja: ['パスワードリセットのメールが届かない', 'ユーザーがパスワード再設定を申請してもメールが届きません。', 'SPFレコード未設定で迷惑メール扱い。DNSにSPFとDKIMを追加。', '再設定用のメールが来ない', 'パスワードを忘れたので再発行を依頼しましたが、メールが受信できません。迷惑メールフォルダにもありません。'],
    en: ['Password reset emails not arriving', 'Users who request a password reset never receive the email.', 'Missing SPF record, mails went to spam; added SPF and DKIM.', 'Nobody gets the forgot-password message', 'When I click forgot password nothing shows up in my inbox, not even in junk.'],
  },
  {
    ja: ['Dockerコンテナが起動直後に終了する', 'docker runするとコンテナがすぐにExited (1)になります。', '環境変数DATABASE_URLの未設定。.envを読み込むよう修正。', 'コンテナがすぐ止まってしまう', 'docker composeで立ち上げたコンテナがExitedの状態になり、動き続けません。'],
    en: ['Docker container exits immediately', 'docker run starts the container and it stops right away with Exited (1).', 'The DATABASE_URL environment variable was missing; added an env_file.', 'Container stops right after start', 'Our compose service goes to Exited (1) a second after it starts.'],
  },
  {
    ja: ['npm installでnode-gypのビルドエラー', 'npm install実行時にnode-gypがgyp ERR! build errorで失敗します。', 'python3とbuild-essentialをインストールして解決。', 'パッケージのインストールが失敗する', '依存関係を入れようとするとnode-gypのところでエラーになり、インストールが完了しません。'],
    en: ['npm install fails in node-gyp', 'npm install fails with gyp ERR! build error while compiling bcrypt.', 'Installed python3 and build-essential.', 'Cannot install dependencies, native build breaks', 'Installing packages breaks when node-gyp tries to compile bcrypt.'],
  },
  {
    ja: ['KubernetesのポッドがCrashLoopBackOff', 'デプロイ後にポッドがCrashLoopBackOffになり再起動を繰り返します。', 'livenessProbeの初期待機時間が短すぎた。initialDelaySecondsを60に変更。', 'ポッドが再起動を繰り返す', 'k8sに新しいバージョンを出したところ、podが何度も再起動してしまいます。kubectl get podsではCrashLoopBackOffと表示されます。'],
    en: ['Pods stuck in CrashLoopBackOff', 'After the deployment all pods are in CrashLoopBackOff.', 'The liveness probe started too early; increased initialDelaySeconds.', 'Pods restart over and over after release', 'Since the rollout, kubectl shows our pods restarting constantly with CrashLoopBackOff.'],
  },
  {
    ja: ['VPNに接続できない', '社外からVPNクライアントで接続しようとすると認証に失敗します。', 'クライアント証明書の期限切れ。新しい証明書を配布。', 'リモートワークで社内ネットワークに入れない', '自宅からVPN接続を試みると認証エラーで弾かれます。'],
    en: ['VPN authentication fails from home', 'Remote staff cannot connect to the VPN; authentication fails.', 'Client certificates expired; issued new ones.', 'Remote workers locked out of the corporate network', 'Working from home, the VPN client rejects my login every time.'],
  },
  {
    ja: ['Excelのマクロが動かない', 'ファイルを開いてもマクロが無効化され実行できません。', 'インターネットから取得したファイルのブロック。プロパティでブロック解除。', 'VBAが実行できない', '共有されたExcelファイルのマクロボタンを押しても何も起きません。セキュリティの警告が出ています。'],
    en: ['Excel macros are blocked', 'Macros in a downloaded workbook do not run; a security warning appears.', 'Mark of the web; unblocked the file in its properties.', 'VBA buttons do nothing in shared workbook', 'Pressing the macro buttons in the spreadsheet does nothing and a security banner is shown.'],
  },
  {
    ja: ['MySQLのレプリケーションが停止', 'スレーブでSlave_SQL_Running: Noとなり、レプリケーションが止まっています。Error 1062が出ています。', '重複キーの行をスキップし、sql_slave_skip_counterで再開。', 'レプリカにデータが反映されない', 'MySQLのレプリカ側が更新されていません。SHOW SLAVE STATUSを見るとエラー1062（Duplicate entry）です。'],
    en: ['MySQL replication stopped with error 1062', 'The replica shows Slave_SQL_Running: No and Last_Errno 1062 duplicate entry.', 'Skipped the duplicate row with sql_slave_skip_counter and resynced.', 'Replica is not catching up', 'Our MySQL replica stopped applying changes; SHOW SLAVE STATUS reports error 1062.'],
  },
  {
    ja: ['cronジョブが実行されない', 'crontabに登録したスクリプトが指定時刻に実行されていません。手動では動きます。', 'PATHが通っていなかったためスクリプト内でフルパス指定。', '定期実行のスクリプトが動いていない', '毎朝6時に動くはずのシェルスクリプトが走っていません。コマンドラインから直接実行すると正常です。'],
    en: ['Cron job does not run', 'A script in crontab never runs at the scheduled time, though it works by hand.', 'PATH not set in cron; used absolute paths.', 'Scheduled script silently skipped', 'The nightly shell script never executes on schedule, but runs fine when I start it manually.'],
  },
  {
    ja: ['Gitのpushが拒否される', 'git push時にrejected (non-fast-forward)と表示されプッシュできません。', 'git pull --rebaseでリモートの変更を取り込んでから再度push。', 'リポジトリに変更を送れない', 'pushしようとするとnon-fast-forwardでエラーになります。'],
    en: ['git push rejected non-fast-forward', 'git push is rejected with non-fast-forward.', 'git pull --rebase, then push.', 'Cannot push my commits', 'Pushing to the remote branch fails saying updates were rejected because the tip is behind (non-fast-forward).'],
  },
  {
    ja: ['プリンタで印刷できない', '複合機に印刷ジョブを送っても出力されず、キューに溜まったままになります。', 'プリンタドライバの更新とスプーラーサービスの再起動。', '印刷ジョブが止まったまま', 'コピー機に送った書類が出てきません。印刷待ちの一覧に残っています。'],
    en: ['Print jobs stuck in queue', 'Jobs sent to the office printer stay in the queue and never print.', 'Updated the driver and restarted the spooler.', 'Documents never come out of the printer', 'Everything I send to the copier just sits there waiting.'],
  },
  {
    ja: ['Elasticsearchのインデックスが読み取り専用', 'ログ投入時にFORBIDDEN/12/index read-only / allow delete (api)エラーになります。', 'ディスクのウォーターマーク超過。容量を空けてindex.blocks.read_only_allow_deleteを解除。', 'Elasticsearchに書き込めなくなった', 'fluentdからの投入がエラーになります。メッセージはread-only / allow deleteです。'],
    en: ['Elasticsearch index read-only', 'Indexing fails: FORBIDDEN/12/index read-only / allow delete (api).', 'Disk watermark exceeded; freed space and cleared read_only_allow_delete.', 'Logs no longer indexed', 'Fluentd cannot write to Elasticsearch anymore, the error says read-only / allow delete.'],
  },
  {
    ja: ['Apacheが起動しない（ポート80使用中）', 'systemctl start httpdで失敗し、Address already in use: AH00072と出ます。', '別のnginxがポート80を使っていたため停止。', 'httpdが立ち上がらない', 'Apacheを再起動しようとしたらエラーになりました。ログにはAH00072とあり、80番ポートがすでに使われているようです。'],
    en: ['Apache fails to start: port 80 in use', 'httpd does not start: AH00072 make_sock could not bind to address 0.0.0.0:80.', 'Stopped a stray nginx on port 80.', "Web server won't come up after reboot", 'After the reboot Apache refuses to start, AH00072 in the log.'],
  },
  {
    ja: ['SELinuxでファイルにアクセスできない', 'アプリが/data配下のファイルを読めずPermission deniedになります。パーミッションは755です。', 'SELinuxのコンテキストが不一致。restoreconとsemanageで修正。', '権限は正しいのに読めない', 'chmodで権限を付けてもPermission deniedのままです。CentOSで、SELinuxは有効です。'],
    en: ['Permission denied despite chmod (SELinux)', 'The app cannot read files in /data; Permission denied even with 755.', 'Wrong SELinux context; fixed with semanage fcontext and restorecon.', 'File access denied although permissions look right', 'Even after chmod the service gets permission denied reading /data on CentOS with SELinux enforcing.'],
  },
  {
    ja: ['Pythonスクリプトで文字化け', 'CSVを読み込むとUnicodeDecodeError: \'utf-8\' codec can\'t decodeが出ます。', 'Shift_JISのファイルだったためencoding=\'cp932\'を指定。', 'CSV読み込み時にデコードエラー', 'Excelで保存したCSVをpandasで開くとUnicodeDecodeErrorになります。'],
    en: ['UnicodeDecodeError reading CSV', "pandas read_csv raises UnicodeDecodeError: 'utf-8' codec can't decode byte.", "The file was cp932; passed encoding='cp932'.", 'Cannot load a spreadsheet export in Python', 'Opening the CSV saved from Excel with pandas throws a UnicodeDecodeError.'],
  },
  {
    ja: ['メール送信でSMTP 550エラー', '特定の宛先への送信が550 5.7.1 Relay access deniedで拒否されます。', 'SMTP認証が無効だった。submissionポート587で認証を有効化。', 'メールが相手に届かずエラーで戻ってくる', '外部ドメイン宛てのメールがRelay access deniedで返送されます。'],
    en: ['SMTP 550 Relay access denied', 'Mail to external domains bounces with 550 5.7.1 Relay access denied.', 'Enabled SMTP AUTH on port 587.', 'Outgoing mail bounces', 'Messages to customers outside our domain come back with relay access denied.'],
  },
  {
    ja: ['Redisのメモリ上限でエラー', 'OOM command not allowed when used memory > \'maxmemory\'が出ます。', 'maxmemory-policyをallkeys-lruに変更。', 'キャッシュサーバへの書き込みエラー', 'Redisにsetしようとするとmaxmemoryを超えたというOOMエラーになります。'],
    en: ['Redis OOM command not allowed', "Writes fail: OOM command not allowed when used memory > 'maxmemory'.", 'Set maxmemory-policy to allkeys-lru.', 'Cache writes refused', 'Setting keys in Redis fails with an OOM error about maxmemory.'],
  },
  {
    ja: ['Active Directoryでアカウントがロックされる', 'ユーザーのアカウントが頻繁にロックアウトされます。', '古いパスワードを保存したスマートフォンのメール設定が原因。端末の設定を更新。', 'ログインしようとすると何度もロックアウトされる', 'パスワード変更後から、ドメインアカウントがすぐにロックされるようになりました。'],
    en: ['AD account keeps locking out', "A user's domain account gets locked out several times a day.", "The old password was cached in a phone's mail app; updated the phone.", 'Locked out repeatedly after password change', 'Ever since I changed my password my account locks itself within minutes.'],
  },
  {
    ja: ['Zabbixでホストが監視できない', 'Zabbix agentが応答せず、ホストがunreachableになります。', 'ファイアウォールで10050番ポートが閉じていた。firewalldで許可。', '監視サーバからエージェントに繋がらない', 'Zabbixのダッシュボードで対象サーバが利用不可と表示され、データが取れていません。'],
    en: ['Zabbix agent unreachable', 'Zabbix shows the host as unreachable; the agent does not respond.', 'Port 10050 was blocked by firewalld; opened it.', 'Monitoring lost one server', 'Our Zabbix dashboard says one host is unavailable and no data comes in.'],
  },
  {
    ja: ['TLS 1.0無効化後に古いクライアントが接続不可', 'TLS 1.0/1.1を無効化した後、一部の業務端末から接続できなくなりました。', '古い端末のレジストリでTLS 1.2を有効化。', 'セキュリティ設定変更後に一部PCから繋がらない', 'サーバ側で古いTLSを止めたら、Windows 7の端末だけHTTPS接続に失敗するようになりました。'],
    en: ['Old clients fail after disabling TLS 1.0', 'After disabling TLS 1.0 and 1.1 some legacy terminals cannot connect.', 'Enabled TLS 1.2 in the registry of the old terminals.', 'Some PCs cannot reach the site after security hardening', 'Since we turned off old TLS versions, Windows 7 machines fail to open HTTPS pages.'],
  },
  {
    ja: ['Tomcatの文字化け（POSTパラメータ）', 'フォームから送信した日本語がTomcat側で文字化けします。', 'リクエストのエンコーディング設定。SetCharacterEncodingFilterを追加。', 'フォーム送信で日本語が化ける', '入力した日本語の名前が登録後に???になってしまいます。アプリサーバはTomcat 9です。'],
    en: ['Garbled Japanese in Tomcat form posts', 'Japanese text posted from a form is garbled in Tomcat.', 'Added a character encoding filter for UTF-8.', 'Form input turns into question marks', 'Names typed in Japanese are saved as ??? by our app on Tomcat 9.'],
  },
  {
    ja: ['AWS S3へのアップロードでAccessDenied', 'aws s3 cpでアップロードするとAccessDeniedになります。', 'IAMポリシーにs3:PutObjectが不足。ポリシーを追加。', 'S3にファイルを置けない', 'CLIからバケットへコピーしようとするとアクセス拒否（AccessDenied）と言われます。'],
    en: ['S3 upload AccessDenied', 'aws s3 cp to our bucket fails with AccessDenied.', 'The IAM policy lacked s3:PutObject.', 'Cannot copy files to the bucket', 'Copying files from the CLI to S3 gives an access denied error.'],
  },
  {
    ja: ['タイムゾーンがずれてログの時刻が9時間違う', 'サーバのログ時刻が日本時間より9時間遅れています。', 'timedatectl set-timezone Asia/Tokyoで設定。', 'ログのタイムスタンプがおかしい', '出力されるログの時間が実際の時刻と9時間ずれています。UTCになっているようです。'],
    en: ['Log timestamps off by nine hours', 'Server log times are nine hours behind Japan time.', 'timedatectl set-timezone Asia/Tokyo.', 'Times in the logs are wrong', 'The timestamps in our logs are 9 hours off, they look like UTC.'],
  },
  {
    ja: ['Outlookが起動しない（プロファイル破損）', 'Outlookを起動するとプロファイルの読み込み中で止まります。', '新しいプロファイルを作成して解決。', 'メールソフトが立ち上がらない', 'Outlookが「プロファイルを読み込んでいます」のまま先に進みません。'],
    en: ['Outlook hangs on loading profile', 'Outlook never gets past Loading Profile.', 'Created a new profile.', 'Mail client stuck at startup', 'Outlook stays on the loading profile screen forever.'],
  },
];

await main();
