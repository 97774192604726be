// Why an activity failed, as far as retrying is concerned: one rule for every
// activity of the desk (ticket records, mail, intake, SLA).
//
// - 'outage': a dependency is down or busy (PostgreSQL, SMTP, Temporal, the
//   network). Retrying is the cure, so it is retried as long as it takes:
//   losing a history line or a reply is worse than being late.
// - 'data': the input itself is refused (PostgreSQL's classes 22 "data
//   exception" and 23 "integrity constraint violation": a NUL byte, a value
//   out of range, a broken reference). No retry can fix it.
// - 'unknown': anything else, most likely a bug in our code for this input. It
//   is retried a few times (a deploy may fix it, or it was a passing race),
//   then treated like a data error, so that one ticket or mail never jams.

export type FailureKind = 'outage' | 'data' | 'unknown';

// SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const OUTAGE_SQL_CLASSES = new Set(['08', '40', '53', '55', '57', '58']);
const DATA_SQL_CLASSES = new Set(['22', '23']);
// A unique violation is usually two attempts racing for the same row: the next attempt finds it.
const RACE_SQLSTATES = new Set(['23505']);

const OUTAGE_SYSTEM_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ESOCKET', 'ECONNECTION', 'ETIMEOUT',
]);

// gRPC status codes of a Temporal server that is down or overloaded: UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED.
const OUTAGE_GRPC_CODES = new Set([14, 4, 8, 10]);

// node-postgres reports a lost or unobtainable connection in words only.
const OUTAGE_MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /connect ECONNREFUSED/i, /the database system is (starting|shutting) up/i];

export function failureKindOf(error: unknown): FailureKind {
  for (const link of causeChain(error)) {
    const kind = kindOfOne(link);
    if (kind !== 'unknown') return kind;
  }
  return 'unknown';
}

function kindOfOne(error: object): FailureKind {
  const code = 'code' in error ? error.code : undefined;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (RACE_SQLSTATES.has(code)) return 'unknown';
    if (DATA_SQL_CLASSES.has(code.slice(0, 2))) return 'data';
    if (OUTAGE_SQL_CLASSES.has(code.slice(0, 2))) return 'outage';
  }
  if (typeof code === 'string' && OUTAGE_SYSTEM_CODES.has(code)) return 'outage';
  if (typeof code === 'number' && 'metadata' in error && OUTAGE_GRPC_CODES.has(code)) return 'outage';
  const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
  if (OUTAGE_MESSAGES.some((pattern) => pattern.test(message))) return 'outage';
  return 'unknown';
}

/** The error and its causes (an AggregateError's errors too), outermost first, at most a few deep. */
function causeChain(error: unknown): object[] {
  const chain: object[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 8) {
    const next = queue.shift();
    if (typeof next !== 'object' || next === null || chain.includes(next)) continue;
    chain.push(next);
    if ('cause' in next) queue.push(next.cause);
    if (next instanceof AggregateError) queue.push(...next.errors);
  }
  return chain;
}
