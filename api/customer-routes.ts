// Accounts, contacts and memberships (managers and admins change them; the
// desk reads them), and each ticket's parties (the desk reads and corrects).
import { accountById, changeAccount, createAccount, listAccounts, putMembership, removeMembership } from '../db/accounts';
import { changeContact, contactById, createContact, ensureContact, listContacts } from '../db/contacts';
import { correctParties, partiesOf } from '../db/ticket-parties';
import type { ApiDeps } from './env';
import { Problem } from './problem';
import { ROLE_GROUPS } from './role-groups';
import type { RouteBook } from './route-book';
import * as schema from './customer-schemas';
import { customerProblem } from './customer-schemas';
import { TicketGateway } from './ticket-gateway';

const { customerAdmins: ADMINS, customerReaders: READERS, desk: DESK } = ROLE_GROUPS;

export function customerRoutes(book: RouteBook, deps: ApiDeps): void {
  const { db } = deps;
  const tickets = new TicketGateway(deps.temporal, deps.db);
  const found = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Problem(404, 'Not found', `no ${what}`);
    return value;
  };

  book.add(
    { method: 'get', path: '/api/accounts', action: 'account.list', summary: 'List accounts', roles: READERS, query: schema.accountListQuery },
    async ({ c, query }) => c.json({ accounts: await listAccounts(db, query).catch(customerProblem) }),
  );

  book.add(
    { method: 'post', path: '/api/accounts', action: 'account.create', summary: 'Add an account', roles: ADMINS, body: schema.accountBody, responses: { 201: 'the new account' } },
    async ({ c, body }) => c.json(await createAccount(db, body).catch(customerProblem), 201),
  );

  book.add(
    { method: 'get', path: '/api/accounts/:accountId', action: 'account.read', summary: 'Read an account', roles: READERS },
    async ({ c, params }) => c.json(found(await accountById(db, params.accountId).catch(customerProblem), `account ${params.accountId}`)),
  );

  book.add(
    { method: 'patch', path: '/api/accounts/:accountId', action: 'account.change', summary: 'Change an account', roles: ADMINS, body: schema.accountPatch },
    async ({ c, params, body }) => c.json(await changeAccount(db, params.accountId, body).catch(customerProblem)),
  );

  book.add(
    { method: 'get', path: '/api/contacts', action: 'contact.list', summary: 'List contacts', roles: READERS, query: schema.contactListQuery },
    async ({ c, query }) => c.json({ contacts: await listContacts(db, { q: query.q, accountId: query.account, limit: query.limit }).catch(customerProblem) }),
  );

  book.add(
    { method: 'post', path: '/api/contacts', action: 'contact.create', summary: 'Add a contact', roles: ADMINS, body: schema.contactBody, responses: { 201: 'the new contact' } },
    async ({ c, body }) => c.json(await createContact(db, { name: body.name, language: body.language, addresses: body.emails }).catch(customerProblem), 201),
  );

  book.add(
    { method: 'get', path: '/api/contacts/:contactId', action: 'contact.read', summary: 'Read a contact', roles: READERS },
    async ({ c, params }) => c.json(found(await contactById(db, params.contactId).catch(customerProblem), `contact ${params.contactId}`)),
  );

  book.add(
    { method: 'patch', path: '/api/contacts/:contactId', action: 'contact.change', summary: 'Change a contact', roles: ADMINS, body: schema.contactPatch },
    async ({ c, params, body }) =>
      c.json(
        await changeContact(db, params.contactId, {
          name: body.name,
          language: body.language,
          addresses: body.emails,
          addAddresses: body.addEmails,
          removeAddresses: body.removeEmails,
        }).catch(customerProblem),
      ),
  );

  book.add(
    { method: 'post', path: '/api/memberships', action: 'membership.put', summary: 'Put a contact in an account (or change its role there)', roles: ADMINS, body: schema.membershipBody, responses: { 200: 'the membership, unchanged or changed', 201: 'the new membership' } },
    async ({ c, body }) => {
      const { membership, outcome } = await putMembership(db, { contactId: body.contact, accountId: body.account, role: body.role, seesAll: body.seesAll }).catch(customerProblem);
      return c.json({ ...membership, outcome }, outcome === 'created' ? 201 : 200);
    },
  );

  book.add(
    { method: 'delete', path: '/api/memberships', action: 'membership.remove', summary: 'Take a contact out of an account', roles: ADMINS, query: schema.membershipQuery },
    async ({ c, query }) => {
      if (!(await removeMembership(db, query.contact, query.account).catch(customerProblem))) {
        throw new Problem(404, 'Not found', `contact ${query.contact} is not in account ${query.account}`);
      }
      return c.json({ contactId: query.contact, accountId: query.account, removed: true });
    },
  );

  book.add(
    { method: 'get', path: '/api/tickets/:number/parties', action: 'ticket.parties', summary: "Read a ticket's requester, account, end customer and participants", roles: DESK },
    async ({ c, params }) => {
      await tickets.storedView(params.number);
      return c.json(await partiesOf(db, params.number).catch(customerProblem));
    },
  );

  book.add(
    { method: 'post', path: '/api/tickets/:number/parties', action: 'ticket.correctParties', summary: "Correct a ticket's requester, account, end customer, partner's number or participants", roles: DESK, body: schema.partiesBody, responses: { 200: 'the parties as they now stand, with `changed`' } },
    async ({ c, actor, params, body }) => {
      const number = params.number;
      const ticket = await tickets.storedView(number);
      const run = async () => {
        const fallback = await ensureContact(db, ticket.customer.email, ticket.customer.name);
        const requester = body.requester ? await ensureContact(db, body.requester.email, body.requester.name) : undefined;
        const { changed } = await correctParties(db, number, actor.user, {
          requester: requester && body.requester ? { contactId: requester.id, address: body.requester.email } : undefined,
          accountId: body.account,
          endCustomer: body.endCustomer === undefined ? undefined : body.endCustomer && { name: body.endCustomer.name ?? null, organisation: body.endCustomer.organisation ?? null },
          partnerTicketNumber: body.partnerTicketNumber,
          cc: body.cc,
        }, { contactId: fallback.id, address: ticket.customer.email });
        return { changed, ...(await partiesOf(db, number)) };
      };
      return c.json(await run().catch(customerProblem));
    },
  );
}
