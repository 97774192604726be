import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as tickets from './migrations/0001_tickets';
import * as outboundMail from './migrations/0002_outbound_mail';
import * as slaEvents from './migrations/0003_sla_events';
import * as rawMessages from './migrations/0004_raw_messages';
import * as spam from './migrations/0005_spam';
import * as intake from './migrations/0006_intake';
import * as idempotencyKeys from './migrations/0007_idempotency_keys';
import * as consoleUsers from './migrations/0008_console_users';
import * as deskChangeNotices from './migrations/0009_desk_change_notices';
import * as ticketNextDue from './migrations/0010_ticket_next_due';
import * as customers from './migrations/0011_customers';
import * as idempotencyRequestHash from './migrations/0012_idempotency_request_hash';
import * as portal from './migrations/0013_portal';
import * as similarTickets from './migrations/0014_similar_tickets';
import * as knowledgeRecords from './migrations/0015_knowledge_records';
import * as ticketDesk from './migrations/0016_ticket_desk';

/**
 * Migrations are files in ./migrations, listed here so that they bundle and
 * run the same from tsx, from a compiled build and from tests.
 */
const migrations: Record<string, Migration> = {
  '0001_tickets': tickets,
  '0002_outbound_mail': outboundMail,
  '0003_sla_events': slaEvents,
  '0004_raw_messages': rawMessages,
  '0005_spam': spam,
  '0006_intake': intake,
  '0007_idempotency_keys': idempotencyKeys,
  '0008_console_users': consoleUsers,
  '0009_desk_change_notices': deskChangeNotices,
  '0010_ticket_next_due': ticketNextDue,
  '0011_customers': customers,
  '0012_idempotency_request_hash': idempotencyRequestHash,
  '0013_portal': portal,
  '0014_similar_tickets': similarTickets,
  '0015_knowledge_records': knowledgeRecords,
  '0016_ticket_desk': ticketDesk,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
