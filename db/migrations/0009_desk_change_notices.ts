import { sql, type Kysely } from 'kysely';

/**
 * Every change to a ticket's read model or thread NOTIFYs `desk_changes` with
 * the ticket's number, whoever made it (workflow activities, the intake, the
 * API), so that open console pages update live without polling the database.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION notify_desk_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('desk_changes', json_build_object('table', TG_TABLE_NAME, 'number', NEW.ticket_number)::text);
      RETURN NULL;
    END $$`.execute(db);
  // tickets has `number`, the others `ticket_number`: one function each keeps the trigger body plain.
  await sql`
    CREATE FUNCTION notify_ticket_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('desk_changes', json_build_object('table', 'tickets', 'number', NEW.number)::text);
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER tickets_changed AFTER INSERT OR UPDATE ON tickets FOR EACH ROW EXECUTE FUNCTION notify_ticket_change()`.execute(db);
  for (const table of ['articles', 'ticket_events', 'sla_events', 'outbound_mail']) {
    await sql`CREATE TRIGGER ${sql.raw(`${table}_changed`)} AFTER INSERT OR UPDATE ON ${sql.table(table)} FOR EACH ROW EXECUTE FUNCTION notify_desk_change()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['tickets', 'articles', 'ticket_events', 'sla_events', 'outbound_mail']) {
    await sql`DROP TRIGGER IF EXISTS ${sql.raw(`${table}_changed`)} ON ${sql.table(table)}`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS notify_desk_change()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS notify_ticket_change()`.execute(db);
}
