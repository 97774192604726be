/** Why a change to accounts, contacts or memberships was refused: the API answers 400, 404 or 409; the CLI prints it. */
export class CustomerRuleError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new CustomerRuleError('invalid', message);
export const notFound = (message: string) => new CustomerRuleError('not-found', message);
export const conflict = (message: string) => new CustomerRuleError('conflict', message);

/** An id of a contact or account (bigserial), as text. */
export const isId = (value: string): boolean => /^[1-9]\d{0,17}$/.test(value);

/** PostgreSQL's unique_violation. */
export const isUniqueViolation = (error: unknown): boolean => (error as { code?: string } | null)?.code === '23505';

const ADDRESS = /^[^\s@<>()[\],;:"\\]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** An address as stored: trimmed, lower-cased, checked. */
export function normalAddress(address: string): string {
  const normal = address.trim().toLowerCase();
  if (normal.length > 254 || !ADDRESS.test(normal)) throw invalid(`"${address.slice(0, 100)}" is not a mail address`);
  return normal;
}

/** A mail domain as stored: trimmed, lower-cased, without a leading @ or a trailing dot, checked. */
export function normalDomain(domain: string): string {
  const normal = domain.trim().toLowerCase().replace(/^@/, '').replace(/\.$/, '');
  if (normal.length > 253 || !DOMAIN.test(normal)) throw invalid(`"${domain.slice(0, 100)}" is not a mail domain`);
  return normal;
}

/** One line of text (a name, a header name): no control characters; empty means none. */
export function oneLineText(value: string | null | undefined, what: string, max = 300): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (!text) return null;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) throw invalid(`${what} must be one line without control characters`);
  if (text.length > max) throw invalid(`${what} is longer than ${max} characters`);
  return text;
}
