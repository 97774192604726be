import { ROLE_GROUPS } from './role-groups';
import { IntakeStillRunning, mailIntakeFor, takeMail } from '../activities/intake/take-mail';
import type { ApiDeps } from './env';
import { Problem } from './problem';
import * as responses from './response-schemas';
import type { RouteBook } from './route-book';
import { rethrowDatabase, TicketGateway } from './ticket-gateway';

const WORKERS = ROLE_GROUPS.desk;
/** How long the API waits for a mail's intake before telling the caller to send it again (which is safe). */
/** Within the API's 10 s promise: the mail is stored first, so a 503 loses nothing. */
const INTAKE_WAIT_MS = 8_000;

/** Raw mail in (for MTAs and integrations), and the files of incoming mail out. */
export function intakeRoutes(book: RouteBook, deps: ApiDeps): void {
  const intake = mailIntakeFor(deps.db, deps.temporal, deps.config);
  const tickets = new TicketGateway(deps.temporal, deps.db);

  book.add(
    {
      method: 'post',
      path: '/api/intake/mail',
      action: 'intake.mail',
      summary: 'Take in a raw mail as the mailbox would',
      roles: ROLE_GROUPS.intake,
      rawBody: 'message/rfc822',
      responses: {
        200: {
          description: '{outcome: ticket|follow-up|spam|ignored, number?}; the same mail again answers the same; bytes that are not a mail become a ticket that says what was wrong (400 only for an empty body)',
          schema: responses.intakeOutcome,
        },
      },
    },
    async ({ c }) => {
      const raw = Buffer.from(await c.req.arrayBuffer());
      // Only nothing is refused. Anything else may be a customer's mail (an mbox "From " line first, long headers,
      // damaged bytes): it is stored as it came, and what cannot be read becomes a ticket that says so.
      if (raw.length === 0) throw new Problem(400, 'Invalid request', 'the body is empty: send the raw mail (message/rfc822)');
      try {
        const { result } = await takeMail(intake, raw, 'api', { waitMs: INTAKE_WAIT_MS });
        if (result.number) c.set('ticketNumber', result.number);
        return c.json({ outcome: result.outcome, ...(result.number ? { number: result.number } : {}), ...(result.reason ? { reason: result.reason } : {}) });
      } catch (error) {
        if (error instanceof IntakeStillRunning) {
          throw new Problem(503, 'Service unavailable', 'the mail is stored and its intake still running; send the same mail again to learn its outcome');
        }
        rethrowDatabase(error);
      }
    },
  );

  book.add(
    { method: 'get', path: '/api/tickets/:number/articles/:id/attachments/:n', action: 'ticket.attachment', summary: "Download an article's attachment (n counts from 1)", roles: WORKERS, responses: { 200: { description: 'the file, byte for byte', contentType: 'application/octet-stream' } } },
    async ({ c, params }) => {
      await tickets.storedView(params.number);
      // The route book has checked the shapes: id at most 18 digits (a bigint), n from 1 and at most 9 digits (an integer).
      const position = Number(params.n);
      const file = await deps.db
        .selectFrom('article_attachments')
        .innerJoin('articles', 'articles.id', 'article_attachments.article_id')
        .select(['article_attachments.filename', 'article_attachments.content_type', 'article_attachments.content', 'article_attachments.sha256'])
        .where('articles.ticket_number', '=', params.number)
        .where('articles.id', '=', params.id)
        .where('article_attachments.position', '=', position)
        .executeTakeFirst()
        .catch(rethrowDatabase);
      if (!file) throw new Problem(404, 'Not found', `article ${params.id} of ticket ${params.number} has no attachment ${position}`);
      const name = file.filename ?? `attachment-${position}`;
      return c.body(new Uint8Array(file.content), 200, {
        ...DOWNLOAD_HEADERS,
        'content-type': headerSafeType(file.content_type),
        'content-disposition': `attachment; filename*=UTF-8''${rfc5987(name)}`,
        'x-content-sha256': file.sha256,
      });
    },
  );

  book.add(
    { method: 'get', path: '/api/tickets/:number/articles/:id/raw', action: 'ticket.rawMail', summary: 'Download the mail an article came from, byte for byte', roles: WORKERS, responses: { 200: { description: 'the mail as it came', contentType: 'message/rfc822' } } },
    async ({ c, params }) => {
      await tickets.storedView(params.number);
      const mail = await deps.db
        .selectFrom('articles')
        .innerJoin('raw_messages', 'raw_messages.id', 'articles.raw_message_id')
        .select(['raw_messages.raw', 'raw_messages.sha256'])
        .where('articles.ticket_number', '=', params.number)
        .where('articles.id', '=', params.id)
        .executeTakeFirst()
        .catch(rethrowDatabase);
      if (!mail) throw new Problem(404, 'Not found', `article ${params.id} of ticket ${params.number} did not come by mail`);
      return c.body(new Uint8Array(mail.raw), 200, {
        ...DOWNLOAD_HEADERS,
        'content-type': 'message/rfc822',
        'content-disposition': `attachment; filename="ticket-${params.number}-article-${params.id}.eml"`,
        'x-content-sha256': mail.sha256,
      });
    },
  );
}

/** A customer's file is never run as a page of ours: no sniffing, no scripts, no frames. */
const DOWNLOAD_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
};

/** A file name as an RFC 5987 value: percent-encoded UTF-8, with ' ( ) * encoded too (encodeURIComponent leaves them). */
function rfc5987(name: string): string {
  return encodeURIComponent(name.replace(/\p{Cs}/gu, '\uFFFD')).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A stored type that cannot be a header value (non-Latin-1, controls) is served as plain bytes. */
function headerSafeType(type: string): string {
  return /^[\x21-\x7e][\x20-\x7e]*$/.test(type) ? type : 'application/octet-stream';
}
