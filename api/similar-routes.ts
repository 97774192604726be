// Similar past tickets: the closed tickets most like this one, for the desk
// to learn from their resolutions (lib/similar/ cuts and scores the terms).
import { similarTickets } from '../db/similar-tickets';
import type { ApiDeps } from './env';
import { notFound } from './problem';
import * as responses from './response-schemas';
import { ROLE_GROUPS } from './role-groups';
import type { RouteBook } from './route-book';
import { rethrowDatabase } from './ticket-gateway';

/** The desk reads them, as it reads tickets. */
const READERS = ROLE_GROUPS.desk;

export function similarRoutes(book: RouteBook, deps: ApiDeps): void {
  book.add(
    {
      method: 'get',
      path: '/api/tickets/:number/similar',
      action: 'ticket.similar',
      summary: 'List the closed tickets most similar to a ticket',
      roles: READERS,
      responses: { 200: { description: 'up to 5 closed tickets, best first, each with its score and the shared terms that weighed most', schema: responses.similarTickets } },
    },
    async ({ c, params }) => {
      const similar = await similarTickets(deps.db, params.number).catch(rethrowDatabase);
      if (!similar) throw notFound(`ticket ${params.number} not found`);
      return c.json({ similar });
    },
  );
}
