// Which desk a new mail is for: the first of its recipients that is a desk's
// address, looked for in To, then Cc (whom the customer wrote to), then
// Delivered-To and X-Original-To (where the mail system delivered it: a desk
// reached by Bcc or through an alias). None of them: the default desk.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Desk, Desks } from '../../lib/desks/desk';
import { decodeHeaderValue } from '../mail/header-words';

const ENVELOPE_HEADERS = ['delivered-to', 'x-original-to'];

export async function mailDesk(starter: { db: Kysely<Database>; desks?: Desks }, articleId: string): Promise<Desk | undefined> {
  if (!starter.desks) return undefined;
  const article = await starter.db.selectFrom('articles').select(['to_addresses', 'cc_addresses', 'headers']).where('id', '=', articleId).executeTakeFirst();
  if (!article) return undefined;
  return starter.desks.forRecipients(deskRecipientsOf(article));
}

/** The recipients in the order they decide the desk. */
export function deskRecipientsOf(article: { to_addresses: string[] | null; cc_addresses: string[] | null; headers: Record<string, unknown> | null }): string[] {
  const headers = new Map(Object.entries(article.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const envelope = ENVELOPE_HEADERS.flatMap((name) => {
    const value = headers.get(name);
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return values.filter((v): v is string => typeof v === 'string').map((v) => decodeHeaderValue(v).text.replace(/^.*<([^>]*)>.*$/, '$1').trim());
  });
  return [...(article.to_addresses ?? []), ...(article.cc_addresses ?? []), ...envelope];
}
