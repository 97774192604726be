// Which activity errors are retried without end (outages) and which leave at
// once or after a few attempts as a DataFailure the workflow records and gets
// past: the rule (worker/failure-kinds.ts) and the interceptor that applies it
// to every activity (worker/activity-failures.ts), run in Temporal's mock
// activity environment with the attempt number set.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { activityFailures } from '../../worker/activity-failures';
import { failureKindOf } from '../../worker/failure-kinds';
import { DATA_FAILURE, UNKNOWN_FAILURE_ATTEMPTS } from '../../workflows/activity-contracts';

const pgError = (code: string, message = 'refused') => Object.assign(new Error(message), { code, severity: 'ERROR' });
const systemError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111 });
const grpcError = (code: number) => Object.assign(new Error('14 UNAVAILABLE: connection refused'), { code, metadata: {} });

describe('failureKindOf', () => {
  it.each([
    ['NUL in text (22021)', pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['a value too long (22001)', pgError('22001')],
    ['a broken reference (23503)', pgError('23503')],
    ['a check constraint (23514)', pgError('23514')],
  ])('%s is a data error', (_what, error) => expect(failureKindOf(error)).toBe('data'));

  it.each([
    ['PostgreSQL shutting down (57P01)', pgError('57P01')],
    ['a lost connection (08006)', pgError('08006')],
    ['a serialization failure (40001)', pgError('40001')],
    ['too many connections (53300)', pgError('53300')],
    ['a refused connection', systemError('ECONNREFUSED')],
    ['a reset connection', systemError('ECONNRESET')],
    ['Temporal unavailable', grpcError(14)],
    ['node-postgres losing its connection', new Error('Connection terminated unexpectedly')],
    ['an outage wrapped in another error', new Error('could not write the ticket', { cause: systemError('ETIMEDOUT') })],
  ])('%s is an outage', (_what, error) => expect(failureKindOf(error)).toBe('outage'));

  it.each([
    ['a bug in our code', new TypeError("Cannot read properties of undefined (reading 'subject')")],
    ['a unique violation (two attempts racing)', pgError('23505')],
    ['an undefined column (a deploy that is not migrated yet)', pgError('42703')],
    ['not an error at all', 'a string'],
  ])('%s is of unknown kind', (_what, error) => expect(failureKindOf(error)).toBe('unknown'));
});

/** What an activity throwing `error` on attempt `attempt` leaves with. */
async function leavesWith(error: unknown, attempt: number): Promise<unknown> {
  const env = new MockActivityEnvironment({ attempt, activityType: 'recordTicketEvent' }, { interceptors: [activityFailures], logger: new DefaultLogger('ERROR', () => {}) });
  try {
    await env.run(async () => {
      throw error;
    });
  } catch (thrown) {
    return thrown;
  }
  throw new Error('the activity did not fail');
}

describe('every activity, through the interceptor', () => {
  it('a data error leaves at once as a non-retryable DataFailure that says why', async () => {
    const thrown = await leavesWith(pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'), 1);
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    expect(thrown).toMatchObject({ type: DATA_FAILURE, nonRetryable: true });
    expect((thrown as Error).message).toBe('recordTicketEvent: its input was refused: invalid byte sequence for encoding "UTF8": 0x00');
  });

  it('an outage is left to the retry policy, whatever the attempt', async () => {
    const outage = systemError('ECONNREFUSED');
    expect(await leavesWith(outage, 1)).toBe(outage);
    expect(await leavesWith(outage, 1000)).toBe(outage);
  });

  it(`an error of unknown kind is retried until attempt ${UNKNOWN_FAILURE_ATTEMPTS}, then given up`, async () => {
    const bug = new TypeError('x is undefined');
    expect(await leavesWith(bug, UNKNOWN_FAILURE_ATTEMPTS - 1)).toBe(bug);
    const last = await leavesWith(bug, UNKNOWN_FAILURE_ATTEMPTS);
    expect(last).toMatchObject({ type: DATA_FAILURE, nonRetryable: true });
    expect((last as Error).message).toBe(`recordTicketEvent: it failed ${UNKNOWN_FAILURE_ATTEMPTS} times: x is undefined`);
  });

  it("the activity's own failures pass as they are (a refused mail, a send in progress)", async () => {
    const own = ApplicationFailure.create({ type: 'TemporaryMailFailure', message: 'later' });
    expect(await leavesWith(own, UNKNOWN_FAILURE_ATTEMPTS + 3)).toBe(own);
  });
});
