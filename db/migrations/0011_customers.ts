import { sql, type Kysely } from 'kysely';

/**
 * A ticket's parties: contacts (people, with their addresses), accounts (an
 * organisation: a direct customer or a partner help desk, its contract and
 * mail domains), memberships (a contact in an account), and per ticket its
 * requester, account, end customer, partner's ticket number and participants.
 * The ticket's workflow knows none of this: it lives here, beside the read model.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('ja').check(sql`language in ('ja', 'en')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('contact_addresses')
    .addColumn('address', 'text', (c) => c.primaryKey().check(sql`address = lower(address)`))
    .addColumn('contact_id', 'bigint', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('contact_addresses_contact').on('contact_addresses').column('contact_id').execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('direct', 'partner')`))
    .addColumn('contract', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('partner_number_pattern', 'text')
    .addColumn('partner_number_header', 'text')
    .addColumn('end_customer_header', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('account_domains')
    .addColumn('domain', 'text', (c) => c.primaryKey().check(sql`domain = lower(domain)`))
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('account_domains_account').on('account_domains').column('account_id').execute();

  await db.schema
    .createTable('memberships')
    .addColumn('contact_id', 'bigint', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('member').check(sql`role in ('member', 'manager')`))
    .addColumn('sees_all', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('memberships_pk', ['contact_id', 'account_id'])
    .execute();
  await db.schema.createIndex('memberships_account').on('memberships').column('account_id').execute();

  // No foreign key to tickets: the intake records a ticket's parties as soon as its number exists, before its read model.
  await db.schema
    .createTable('ticket_parties')
    .addColumn('ticket_number', 'text', (c) => c.primaryKey())
    .addColumn('requester_contact_id', 'bigint', (c) => c.notNull().references('contacts.id'))
    .addColumn('requester_address', 'text', (c) => c.notNull())
    .addColumn('account_id', 'bigint', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('account_uncertain', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('end_customer_name', 'text')
    .addColumn('end_customer_org', 'text')
    .addColumn('partner_ticket_number', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('ticket_parties_partner_number').on('ticket_parties').column('partner_ticket_number').execute();
  await db.schema.createIndex('ticket_parties_account').on('ticket_parties').column('account_id').execute();
  await db.schema.createIndex('ticket_parties_requester').on('ticket_parties').column('requester_contact_id').execute();
  // The few tickets an agent must give an account to.
  await db.schema.createIndex('ticket_parties_uncertain').on('ticket_parties').column('ticket_number').where(sql.ref('account_uncertain'), '=', true).execute();

  await db.schema
    .createTable('ticket_participants')
    .addColumn('ticket_number', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().check(sql`address = lower(address)`))
    .addPrimaryKeyConstraint('ticket_participants_pk', ['ticket_number', 'address'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['ticket_participants', 'ticket_parties', 'memberships', 'account_domains', 'accounts', 'contact_addresses', 'contacts']) {
    await db.schema.dropTable(table).execute();
  }
}
