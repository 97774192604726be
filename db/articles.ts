import type { Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { ArticleKind, ArticlesTable, Database } from './schema';

export interface NewArticle {
  ticketNumber: string;
  kind: ArticleKind;
  direction: ArticlesTable['direction'];
  channel: string;
  author?: string;
  subject?: string;
  body: string;
  fromAddress?: string;
  /** The storing request's key (from its Idempotency-Key, kept in the articles' idempotency_key): a retry of that request gets the same article back. */
  requestKey?: string;
}

/**
 * Stores an article before anything refers to it: the workflow only ever gets its id.
 * With a request key, a second store of the same request answers the first article's id.
 */
export async function storeArticle(db: Kysely<Database>, article: NewArticle): Promise<string> {
  const row = await db
    .insertInto('articles')
    .values({
      ticket_number: article.ticketNumber,
      kind: article.kind,
      direction: article.direction,
      channel: article.channel,
      author: article.author ?? null,
      subject: article.subject ?? null,
      body: article.body,
      from_address: article.fromAddress ?? null,
      idempotency_key: article.requestKey ?? null,
    })
    // A retry (or two at once) inserts nothing and finds the first store's row.
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? (await db.selectFrom('articles').select('id').where('idempotency_key', '=', article.requestKey!).executeTakeFirstOrThrow()).id;
}

/** A ticket's articles in order; with `page`, at most `limit` of them after the article `after`. */
export async function articlesOf(db: Kysely<Database>, ticketNumber: string, page?: { limit: number; after?: string }) {
  let query = db
    .selectFrom('articles')
    .select([
      'id',
      'kind',
      'direction',
      'channel',
      'author',
      'subject',
      'body',
      'from_address',
      'to_addresses',
      'cc_addresses',
      'message_id',
      'refused_reason',
      'created_at',
      // Incoming mail: the spam verdict, what could not be decoded, and the files (download: …/attachments/:position).
      'spam_score',
      'spam_outcome',
      'spam_clues',
      'mail_problems',
      (eb) =>
        jsonArrayFrom(
          eb
            .selectFrom('article_attachments as a')
            .select(['a.position', 'a.filename', 'a.content_type as contentType', 'a.size', 'a.sha256', 'a.inline'])
            .whereRef('a.article_id', '=', 'articles.id')
            .orderBy('a.position'),
        ).as('attachments'),
    ])
    .where('ticket_number', '=', ticketNumber)
    .orderBy('id');
  if (page?.after !== undefined) query = query.where('id', '>', page.after);
  if (page) query = query.limit(page.limit);
  return query.execute();
}

export async function moveArticle(db: Kysely<Database>, articleId: string, ticketNumber: string): Promise<void> {
  await db.updateTable('articles').set({ ticket_number: ticketNumber }).where('id', '=', articleId).execute();
}

export interface OutgoingArticle {
  ticketNumber: string;
  kind: ArticleKind;
  author: string | null;
  subject: string;
  body: string;
  from: string;
  to: string[];
  cc: string[];
  /** A retried activity writes the article once under this key and gets the same id back. */
  idempotencyKey: string;
}

/** Writes an outgoing mail's article once per key and answers its id. */
export async function writeOutgoingArticle(db: Kysely<Database>, article: OutgoingArticle): Promise<string> {
  await db
    .insertInto('articles')
    .values({
      ticket_number: article.ticketNumber,
      kind: article.kind,
      direction: 'outbound',
      channel: 'email',
      author: article.author,
      subject: article.subject,
      body: article.body,
      from_address: article.from,
      to_addresses: article.to,
      cc_addresses: article.cc,
      idempotency_key: article.idempotencyKey,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  const row = await db.selectFrom('articles').select('id').where('idempotency_key', '=', article.idempotencyKey).executeTakeFirstOrThrow();
  return row.id;
}

/** An article written for an action that was refused keeps its text, marked with the reason. */
export async function markArticleRefused(db: Kysely<Database>, articleId: string, reason: string): Promise<void> {
  await db.updateTable('articles').set({ refused_reason: reason }).where('id', '=', articleId).execute();
}
