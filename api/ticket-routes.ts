import { openTicket, type TicketStarter } from '../lib/open-ticket';
import { articlesOf, markArticleRefused, storeArticle } from '../db/articles';
import type { ArticleKind } from '../db/schema';
import type { z } from 'zod';
import type { ActionArgs, AgentAction, TicketView } from '../workflows/ticket-messages';
import type { Actor, Role } from '../workflows/ticket-types';
import type { WiredDeps } from './env';
import { Problem } from './problem';
import type { RouteBook } from './route-book';
import { rethrowDatabase, TicketGateway } from './ticket-gateway';
import * as schema from './ticket-schemas';
import * as responses from './response-schemas';
import { mayAct, ROLE_GROUPS } from './role-groups';
import { reopenWindowOver } from '../workflows/reopen-window';
import { checkRequestedParties, recordRequestedParties } from '../lib/ticket-parties';
import { log } from '../lib/log';
import { ofDesk } from '../db/ticket-desks';
import type { Desk, Desks } from '../lib/desks/desk';
import { similarTickets } from '../db/similar-tickets';
import { customerProblem } from './customer-schemas';

const { desk: WORKERS, reviewers: REVIEWERS, feeders: FEEDERS } = ROLE_GROUPS;
const TICKET = { 200: { description: 'the ticket as it now stands', schema: responses.ticketView } };

export function ticketRoutes(book: RouteBook, deps: WiredDeps, starter: TicketStarter): void {
  const tickets = new TicketGateway(deps.temporal, deps.db);
  const json = (c: { json: (body: unknown, status?: 200 | 201 | 202) => Response }, ticket: TicketView | IntakeReceipt, status: 200 | 201 | 202 = 200) =>
    c.json(ticket, status);

  /** Stores an article the action refers to; marks it refused if the ticket then refuses the action. */
  async function withArticle<A extends AgentAction>(
    number: string,
    actor: Actor,
    article: { kind: ArticleKind; body: string; direction: 'inbound' | 'outbound' | 'internal'; channel: string },
    action: A,
    args: (articleId: string) => ActionArgs<A>,
    requestKey?: string,
  ): Promise<{ articleId: string; ticket: TicketView }> {
    await tickets.storedView(number);
    // A retried request (same Idempotency-Key) finds its article, and its update (one per article) is answered once by Temporal.
    const articleId = await storeArticle(deps.db, { ticketNumber: number, author: actor.user, ...article, requestKey }).catch(rethrowDatabase);
    try {
      return { articleId, ticket: await tickets.act(number, action, args(articleId), `article-${articleId}`) };
    } catch (error) {
      if (error instanceof Problem && error.status === 409) {
        // The refusal is what the caller must hear, even if noting it on the article fails.
        await markArticleRefused(deps.db, articleId, error.detail).catch(() => {});
      }
      throw error;
    }
  }

  book.add(
    { method: 'post', path: '/api/tickets', action: 'ticket.create', summary: 'Open a ticket (phone or web intake)', roles: FEEDERS, body: schema.newTicketBody, responses: { 201: { description: 'the new ticket, for the desk with `similar` (the most similar closed tickets); for integrators its number, status and creation time', schema: responses.ticketOrReceipt } } },
    async ({ c, actor, body }) => {
      const { requester, account, endCustomer, partnerTicketNumber, cc, desk, ...inquiry } = body;
      const parties = { requester, account, endCustomer, partnerTicketNumber, cc };
      if (desk !== undefined) deskNamed(deps.desks, desk);
      await checkRequestedParties(deps.db, parties).catch(customerProblem);
      const ticket = await tickets.open(() =>
        openTicket(starter, { ...inquiry, desk, author: actor.user, recordParties: (number) => recordRequestedParties(deps.db, number, inquiry, parties) }),
      );
      c.set('ticketNumber', ticket.number);
      // The desk sees at once whether this happened before: the most similar closed tickets, as GET …/similar gives them.
      const similar = mayAct('desk', actor.role) ? await similarTickets(deps.db, ticket.number).catch((error) => log.warn({ err: error, ticket: ticket.number }, 'no similar tickets for a new ticket')) : undefined;
      return json(c, { ...shownTo(actor, { ...ticket, slaStatus: 'on_track' }), ...(similar ? { similar } : {}) }, 201);
    },
  );

  book.add(
    { method: 'get', path: '/api/tickets', action: 'ticket.list', summary: 'List tickets', roles: WORKERS, query: schema.ticketListQuery, responses: { 200: { description: 'the newest tickets first', schema: responses.ticketList } } },
    async ({ c, query }) => {
      let q = deps.db.selectFrom('tickets').select('state').orderBy('created_at', 'desc').limit(query.limit);
      if (query.status) q = q.where('status', '=', query.status);
      if (query.queue) q = q.where('queue', '=', query.queue);
      if (query.owner) q = q.where('owner', '=', query.owner);
      if (query.level) q = q.where('support_level', '=', query.level);
      if (query.slaStatus) q = q.where('sla_status', '=', query.slaStatus);
      if (query.priority) q = q.where('priority', '=', query.priority);
      if (query.partnerTicketNumber) {
        q = q.where('number', 'in', (eb) => eb.selectFrom('ticket_parties').select('ticket_number').where('partner_ticket_number', '=', query.partnerTicketNumber!));
      }
      if (query.account) q = q.where('number', 'in', (eb) => eb.selectFrom('ticket_parties').select('ticket_number').where('account_id', '=', query.account!));
      if (query.desk) q = q.where(ofDesk(deskNamed(deps.desks, query.desk)));
      // The tickets whose requester is in several accounts and whose mail did not say which: an agent decides.
      if (query.accountUncertain) {
        q = q.where('number', 'in', (eb) => eb.selectFrom('ticket_parties').select('ticket_number').where('account_uncertain', '=', query.accountUncertain === 'true'));
      }
      const rows = await q.execute().catch(rethrowDatabase);
      return c.json({ tickets: rows.map((r) => r.state) });
    },
  );

  book.add(
    { method: 'get', path: '/api/tickets/:number', action: 'ticket.read', summary: 'Read a ticket', roles: WORKERS, responses: { 200: { description: 'the ticket', schema: responses.ticketView } } },
    async ({ c, params }) => json(c, await tickets.view(params.number)),
  );

  book.add(
    { method: 'get', path: '/api/tickets/:number/sla', action: 'ticket.sla', summary: "Read a ticket's SLA clocks", roles: WORKERS, responses: { 200: { description: 'each clock now', schema: responses.slaReport } } },
    async ({ c, params }) => c.json(await tickets.sla(params.number)),
  );

  book.add(
    {
      method: 'get',
      path: '/api/tickets/:number/articles',
      action: 'ticket.articles',
      summary: "Read a ticket's articles",
      roles: WORKERS,
      query: schema.articleListQuery,
      responses: { 200: { description: 'a page of articles, oldest first; `next` is the `after` of the next page (null: this was the last)', schema: responses.articlePage } },
    },
    async ({ c, params, query }) => {
      const number = params.number;
      await tickets.storedView(number);
      // One more than asked: whether there is a next page, without counting.
      const rows = await articlesOf(deps.db, number, { limit: query.limit + 1, after: query.after }).catch(rethrowDatabase);
      const articles = rows.slice(0, query.limit);
      const next = rows.length > query.limit ? articles[articles.length - 1].id : null;
      return c.json({ articles, next });
    },
  );

  const simple = <A extends AgentAction, S extends z.ZodType>(
    path: string,
    action: A,
    summary: string,
    roles: readonly Role[],
    body: S,
    toArgs: (body: z.infer<S>, actor: Actor, params: Record<string, string>) => ActionArgs<A>,
  ) =>
    book.add({ method: 'post', path: `/api/tickets/:number/${path}`, action: `ticket.${action}`, summary, roles, body, responses: TICKET }, async ({ c, actor, body, params }) =>
      // With an Idempotency-Key, a retry after a 5xx is the same update: Temporal answers it once.
      json(c, await tickets.act(params.number, action, toArgs(body as z.infer<S>, actor, params), c.get('requestKey'))),
    );

  simple('queue', 'assignQueue', 'Put the ticket in a queue', WORKERS, schema.queueBody, (b, actor) => ({ actor, queue: b.queue }));
  simple('acknowledge', 'acknowledge', 'Send the receipt notice and take the ticket', WORKERS, schema.emptyBody, (_, actor) => ({ actor }));
  simple('memos/:memoId/review', 'reviewMemo', 'Review a memo', REVIEWERS, schema.reviewBody, (b, actor, params) => ({ actor, memoId: params.memoId, ...b }));
  simple('answer', 'sendAnswer', 'Send the approved answer', WORKERS, schema.answerBody, (b, actor) => ({ actor, memoId: b.memoId }));
  simple('priority', 'changePriority', 'Change the priority', WORKERS, schema.priorityBody, (b, actor) => ({ actor, priority: b.priority }));
  simple('owner', 'reassign', 'Reassign the owner', WORKERS, schema.ownerBody, (b, actor) => ({ actor, owner: b.owner }));
  simple('escalate', 'escalate', 'Escalate to L2 or L3', WORKERS, schema.escalateBody, (b, actor) => ({ actor, level: b.level, reason: b.reason }));
  simple('close', 'close', 'Close the ticket', WORKERS, schema.closeBody, (b, actor) => ({ actor, resolution: b.resolution }));
  simple('spam', 'markSpam', 'Mark the ticket as spam', WORKERS, schema.emptyBody, (_, actor) => ({ actor }));

  book.add(
    { method: 'post', path: '/api/tickets/:number/memos', action: 'ticket.draftMemo', summary: 'Draft the answer as a memo', roles: WORKERS, body: schema.memoBody, responses: { 200: { description: 'the ticket, with memoId', schema: responses.ticketWithMemo } } },
    async ({ c, actor, body, params }) => {
      const number = params.number;
      const memo = { kind: 'memo' as const, body: body.body, direction: 'internal' as const, channel: 'web' };
      const { articleId, ticket } = await withArticle(number, actor, memo, 'draftMemo', (articleId) => ({ actor, articleId }), c.get('requestKey'));
      return c.json({ memoId: articleId, ...ticket });
    },
  );

  book.add(
    { method: 'post', path: '/api/tickets/:number/phone-calls', action: 'ticket.logPhoneCall', summary: 'Log a phone call', roles: FEEDERS, body: schema.phoneCallBody, responses: { 200: { description: 'the ticket (for integrators: its receipt)', schema: responses.ticketOrReceipt } } },
    async ({ c, actor, body, params }) => {
      const number = params.number;
      const call = { kind: 'phone_call' as const, body: body.body, direction: body.direction, channel: 'phone' };
      const { ticket, articleId } = await withArticle(number, actor, call, 'logPhoneCall', (articleId) => ({ actor, direction: body.direction, articleId }), c.get('requestKey'));
      return json(c, shownTo(actor, ticket, articleId));
    },
  );

  book.add(
    { method: 'post', path: '/api/tickets/:number/follow-ups', action: 'ticket.followUp', summary: "Add the customer's follow-up", roles: FEEDERS, body: schema.followUpBody, responses: {
        200: { description: 'the ticket (for integrators: its receipt)', schema: responses.ticketOrReceipt },
        201: { description: 'a new ticket referring to the old one', schema: responses.ticketOrReceipt },
        202: { description: 'taken; the ticket as last recorded (its workflow did not answer in time)', schema: responses.ticketOrReceipt },
      } },
    async ({ c, actor, body, params }) => {
      const number = params.number;
      const old = await tickets.storedView(number);
      const articleId = await storeArticle(deps.db, {
        ticketNumber: number,
        kind: 'follow_up',
        direction: 'inbound',
        channel: body.channel,
        author: actor.user,
        body: body.body,
        fromAddress: old.customer.email,
        requestKey: c.get('requestKey'),
      }).catch(rethrowDatabase);
      // Closed longer than the reopen window: the follow-up starts a new ticket that refers to the old one.
      // (Checked here too, not only by the workflow ending: its timer may not have fired yet.)
      const windowOver = old.status === 'closed' && reopenWindowOver(old.closedAt, Date.now(), deps.config.reopenWindowMs);
      const result = windowOver ? 'workflow-gone' : await tickets.followUp(number, { articleId, channel: body.channel }, old);
      if (result !== 'workflow-gone') return json(c, shownTo(actor, result.ticket, articleId), result.current ? 200 : 202);
      const opened = await tickets.open(() => openTicket(starter, {
        customer: old.customer,
        subject: old.subject,
        body: body.body,
        priority: old.priority,
        channel: body.channel,
        author: actor.user,
        refersTo: number,
        existingArticleId: articleId,
        desk: old.desk,
      }));
      return json(c, shownTo(actor, { ...opened, slaStatus: 'on_track' }, articleId), 201);
    },
  );
}

/** What an integrator (phone-call intake, the portal) learns of a ticket: that it exists, where it stands, and what it sent. */
export interface IntakeReceipt {
  number: string;
  status: TicketView['status'];
  createdAt: string;
  /** The article the request stored (its call note or follow-up). */
  articleId?: string;
}

/** The desk sees the whole ticket; a feeder only its receipt (no customer, owner, memos or reviewers). */
function shownTo(actor: Actor, ticket: TicketView, articleId?: string): TicketView | IntakeReceipt {
  if (mayAct('desk', actor.role)) return ticket;
  return { number: ticket.number, status: ticket.status, createdAt: ticket.createdAt, ...(articleId ? { articleId } : {}) };
}

/** The desk a request names, or a 400 that lists the desks there are. */
function deskNamed(desks: Desks, id: string): Desk {
  const desk = desks.named(id);
  if (!desk) throw new Problem(400, 'Invalid request', `desk: no desk "${id}" (the desks: ${desks.all.map((d) => d.id).join(', ')})`);
  return desk;
}
