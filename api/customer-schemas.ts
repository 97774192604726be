import { z } from 'zod';
import { ACCOUNT_KINDS, MEMBERSHIP_ROLES } from '../db/accounts';
import { CONTACT_LANGUAGES } from '../db/contacts';
import { CustomerRuleError } from '../db/customer-errors';
import { Problem } from './problem';
import { rethrowDatabase } from './ticket-gateway';
import { accountIdField, partyAddress, partyFields, safeString } from './ticket-schemas';

// The bodies and queries of the accounts, contacts, memberships and ticket
// parties routes (api/customer-routes.ts). Every string through safeString.

const line = (max: number) => safeString().trim().min(1).max(max);
const idField = (what: string) => z.union([safeString(z.string().regex(/^[1-9]\d{0,17}$/, `${what} id (digits)`)), z.number().int().positive()]).transform(String);
const domain = () => line(253);
const headerName = () => safeString(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,75}$/, 'a header name (letters, digits, -)'));

const contract = z.object({ plan: line(100).optional(), slaOverrides: z.record(z.string(), z.unknown()).optional() });

export const accountBody = z.object({
  name: line(200),
  kind: z.enum(ACCOUNT_KINDS),
  contract: contract.optional(),
  domains: z.array(domain()).max(100).optional(),
  /** A regular expression with one capture group, matched against the subject (ignoring case). */
  partnerNumberPattern: line(500).nullable().optional(),
  partnerNumberHeader: headerName().nullable().optional(),
  endCustomerHeader: headerName().nullable().optional(),
});

export const accountPatch = accountBody.partial().extend({
  addDomains: z.array(domain()).max(100).optional(),
  removeDomains: z.array(domain()).max(100).optional(),
});

export const accountListQuery = z.object({
  q: safeString().max(200).optional(),
  kind: z.enum(ACCOUNT_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const contactBody = z.object({
  emails: z.array(partyAddress()).min(1).max(20),
  name: line(200).optional(),
  language: z.enum(CONTACT_LANGUAGES).optional(),
});

export const contactPatch = z.object({
  name: line(200).nullable().optional(),
  language: z.enum(CONTACT_LANGUAGES).optional(),
  /** Replaces the contact's addresses. */
  emails: z.array(partyAddress()).min(1).max(20).optional(),
  addEmails: z.array(partyAddress()).max(20).optional(),
  removeEmails: z.array(partyAddress()).max(20).optional(),
});

export const contactListQuery = z.object({
  q: safeString().max(200).optional(),
  account: safeString(z.string().regex(/^[1-9]\d{0,17}$/, 'an account id (digits)')).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const membershipBody = z.object({
  contact: idField('a contact'),
  account: idField('an account'),
  role: z.enum(MEMBERSHIP_ROLES).optional(),
  seesAll: z.boolean().optional(),
});

export const membershipQuery = z.object({
  contact: safeString(z.string().regex(/^[1-9]\d{0,17}$/, 'a contact id (digits)')),
  account: safeString(z.string().regex(/^[1-9]\d{0,17}$/, 'an account id (digits)')),
});

/** An agent's correction: any of the parties; null clears; cc replaces the participants. */
export const partiesBody = z
  .object({
    requester: partyFields.requester.optional(),
    account: accountIdField().nullable().optional(),
    endCustomer: partyFields.endCustomer.nullable().optional(),
    partnerTicketNumber: partyFields.partnerTicketNumber.nullable().optional(),
    cc: partyFields.cc.optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'name at least one of requester, account, endCustomer, partnerTicketNumber, cc' });

/** A refused change to accounts or contacts as the API answers it. */
export function customerProblem(error: unknown): never {
  if (error instanceof CustomerRuleError) {
    if (error.kind === 'not-found') throw new Problem(404, 'Not found', error.message);
    if (error.kind === 'conflict') throw new Problem(409, 'Conflict', error.message);
    throw new Problem(400, 'Invalid request', error.message);
  }
  rethrowDatabase(error);
}
