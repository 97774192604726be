import type { Role } from '../workflows/ticket-types';

/** Who may do what, by name: every route and console page picks one of these. */
export const ROLE_GROUPS = {
  /** Work tickets: read, act, train the spam filter. */
  desk: ['agent', 'reviewer', 'manager'],
  /** Decide on someone else's memo. */
  reviewers: ['reviewer', 'manager'],
  /** Feed tickets in (phone-call intake, follow-ups, calls) — integrators and the desk. */
  feeders: ['integrator', 'agent', 'reviewer', 'manager'],
  /** Read the audit log. */
  overseers: ['manager', 'admin'],
  /** See the SLA overview page in the console. */
  managers: ['manager'],
  /** Take raw mail in through the API. */
  intake: ['integrator'],
  /** Add and change accounts, contacts and memberships. */
  customerAdmins: ['manager', 'admin'],
  /** Read accounts and contacts (the desk, to choose a ticket's account). */
  customerReaders: ['agent', 'reviewer', 'manager', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export const mayAct = (group: keyof typeof ROLE_GROUPS, role: Role): boolean => (ROLE_GROUPS[group] as readonly Role[]).includes(role);
