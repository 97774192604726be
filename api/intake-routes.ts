import { IntakeStillRunning, mailIntakeFor, takeMail } from '../activities/intake/take-mail';
import type { Role } from '../workflows/ticket-types';
import type { ApiDeps } from './env';
import { Problem } from './problem';
import type { RouteBook } from './route-book';
import { rethrowDatabase, TicketGateway } from './ticket-gateway';

const WORKERS: Role[] = ['agent', 'reviewer', 'manager'];
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
      roles: ['integrator'],
      rawBody: 'message/rfc822',
      responses: { 200: '{outcome: ticket|follow-up|spam|ignored, number?}; the same mail again answers the same' },
    },
    async ({ c }) => {
      const raw = Buffer.from(await c.req.arrayBuffer());
      if (raw.length === 0 || !/\r?\n\r?\n|^[!-9;-~]+:/.test(raw.subarray(0, 4096).toString('latin1'))) {
        throw new Problem(400, 'Invalid request', 'the body must be a mail (message/rfc822): headers, an empty line, the body');
      }
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
    { method: 'get', path: '/api/tickets/:number/articles/:id/attachments/:n', action: 'ticket.attachment', summary: "Download an article's attachment (n counts from 1)", roles: WORKERS, responses: { 200: 'the file, byte for byte' } },
    async ({ c, params }) => {
      await tickets.storedView(params.number);
      const position = Number(params.n);
      if (!/^\d+$/.test(params.id) || !Number.isInteger(position) || position < 1) throw new Problem(404, 'Not found', 'no such attachment');
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
        'content-type': file.content_type,
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
        'x-content-sha256': file.sha256,
      });
    },
  );
}
