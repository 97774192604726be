import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * The customer portal's sign-in: one-time links and sessions, apart from the
 * agents' (db/sessions.ts). Tokens and session ids are 32 random bytes
 * (base64url) that live only in the mail and the cookie; the tables keep
 * their SHA-256.
 */

/** A sign-in link works once, within 15 minutes. */
const PORTAL_LINK_MS = 15 * 60 * 1000;
/** Link requests are counted over this window… */
const LINK_REQUEST_WINDOW_MS = 15 * 60 * 1000;
/** …at most this many per address, */
const LINK_REQUESTS_PER_ADDRESS = 3;
/** …and this many per client address. */
const LINK_REQUESTS_PER_IP = 10;
/** As for agents: 2 hours idle, 12 hours in all. */
const PORTAL_SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
export const PORTAL_SESSION_MAX_MS = 12 * 60 * 60 * 1000;
const TOUCH_AFTER_MS = 60 * 1000;
const KEEP_MS = 30 * 24 * 60 * 60 * 1000;

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/**
 * Counts a request for a link and answers whether it may be served: at most
 * LINK_REQUESTS_PER_ADDRESS per address and LINK_REQUESTS_PER_IP per client
 * address in LINK_REQUEST_WINDOW_MS. Counted under a lock, so parallel requests cannot slip past.
 */
export async function allowLinkRequest(db: Kysely<Database>, address: string, ip: string | undefined, now = new Date()): Promise<boolean> {
  const since = new Date(now.getTime() - LINK_REQUEST_WINDOW_MS);
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('portal_link_requests'))`.execute(tx);
    const [byAddress, byIp] = await Promise.all([
      tx.selectFrom('portal_link_requests').select((eb) => eb.fn.countAll<string>().as('n')).where('address', '=', address).where('at', '>', since).executeTakeFirstOrThrow(),
      ip
        ? tx.selectFrom('portal_link_requests').select((eb) => eb.fn.countAll<string>().as('n')).where('ip', '=', ip).where('at', '>', since).executeTakeFirstOrThrow()
        : Promise.resolve({ n: '0' }),
    ]);
    if (Number(byAddress.n) >= LINK_REQUESTS_PER_ADDRESS || Number(byIp.n) >= LINK_REQUESTS_PER_IP) return false;
    await tx.insertInto('portal_link_requests').values({ address, ip: ip ?? null, at: now }).execute();
    await tx.deleteFrom('portal_link_requests').where('at', '<', new Date(now.getTime() - KEEP_MS)).execute();
    return true;
  });
}

/** A new link for the contact: answers the token for the mail (never stored). */
export async function createPortalLink(db: Kysely<Database>, contactId: string, address: string, now = new Date()): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('portal_links')
    .values({ token_hash: sha256(token), contact_id: contactId, address, created_at: now, expires_at: new Date(now.getTime() + PORTAL_LINK_MS) })
    .execute();
  return token;
}

/** Uses the link, once: the contact and address it was for, or undefined when unknown, used or expired. */
export async function usePortalLink(db: Kysely<Database>, token: string, now = new Date()): Promise<{ contactId: string; address: string } | undefined> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 256) return undefined;
  const row = await db
    .updateTable('portal_links')
    .set({ used_at: now })
    .where('token_hash', '=', sha256(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['contact_id', 'address'])
    .executeTakeFirst();
  return row ? { contactId: row.contact_id, address: row.address } : undefined;
}

export async function startPortalSession(db: Kysely<Database>, contactId: string, address: string, now = new Date()): Promise<{ id: string; csrfToken: string }> {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  await db
    .insertInto('portal_sessions')
    .values({ id_hash: sha256(id), contact_id: contactId, address, csrf_token: csrfToken, created_at: now, last_seen_at: now })
    .execute();
  await db.deleteFrom('portal_sessions').where('created_at', '<', new Date(now.getTime() - KEEP_MS)).execute();
  return { id, csrfToken };
}

export interface PortalSession {
  contactId: string;
  address: string;
  name: string | null;
  language: 'ja' | 'en';
  csrfToken: string;
}

/** The signed-in customer, or undefined when the id is unknown, ended, idle too long or too old. */
export async function portalSessionFor(db: Kysely<Database>, id: string, now = new Date()): Promise<PortalSession | undefined> {
  if (typeof id !== 'string' || id.length === 0 || id.length > 256) return undefined;
  const idHash = sha256(id);
  const row = await db
    .selectFrom('portal_sessions as s')
    .innerJoin('contacts as c', 'c.id', 's.contact_id')
    .select(['s.contact_id', 's.address', 's.csrf_token', 's.created_at', 's.last_seen_at', 's.ended_at', 'c.name', 'c.language'])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row || row.ended_at) return undefined;
  const at = now.getTime();
  if (at - row.last_seen_at.getTime() > PORTAL_SESSION_IDLE_MS || at - row.created_at.getTime() > PORTAL_SESSION_MAX_MS) return undefined;
  if (at - row.last_seen_at.getTime() >= TOUCH_AFTER_MS) {
    await db.updateTable('portal_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).where('ended_at', 'is', null).execute();
  }
  return { contactId: row.contact_id, address: row.address, name: row.name, language: row.language, csrfToken: row.csrf_token };
}

export async function endPortalSession(db: Kysely<Database>, id: string, now = new Date()): Promise<void> {
  await db.updateTable('portal_sessions').set({ ended_at: now }).where('id_hash', '=', sha256(id)).where('ended_at', 'is', null).execute();
}
