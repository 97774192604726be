import { describe, expect, it } from 'vitest';
import { DEFAULT_REOPEN_WINDOW_MS, decide, newTicketState } from '../../workflows/ticket-rules';
import {
  DEFAULT_QUEUE,
  TICKET_STATUSES,
  type Actor,
  type Decision,
  type TicketCommand,
  type TicketCommandType,
  type TicketState,
  type TicketStatus,
} from '../../workflows/ticket-types';

// ---- cast and clock -----------------------------------------------------------------------

const alice: Actor = { user: 'alice', role: 'agent' }; // the agent who acknowledges and owns the ticket
const bob: Actor = { user: 'bob', role: 'agent' };
const rita: Actor = { user: 'rita', role: 'reviewer' };
const mia: Actor = { user: 'mia', role: 'manager' };

const T0 = Date.parse('2025-04-01T09:30:00.000Z');
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0 + ms).toISOString();

// ---- tickets brought into each status through the real commands ---------------------------

function accepted(decision: Decision): TicketState {
  if (!decision.ok) throw new Error(`expected acceptance, got: ${decision.reason}`);
  return decision.state;
}

function run(state: TicketState, ...commands: TicketCommand[]): TicketState {
  return commands.reduce((s, command, i) => accepted(decide(s, command, at((i + 1) * HOUR))), state);
}

const fresh = () =>
  newTicketState({
    number: '2025040110000012',
    subject: 'PostgreSQL のレプリケーションが止まる',
    customer: { email: 'tanaka@example.jp', name: '田中' },
    channel: 'email',
    priority: 'P3',
    createdAt: at(0),
  });

const steps: Record<TicketStatus, TicketCommand[]> = {
  new: [],
  open: [{ type: 'assignQueue', actor: alice, queue: DEFAULT_QUEUE }],
  in_progress: [{ type: 'acknowledge', actor: alice, articleId: 'a1' }],
  in_review: [{ type: 'draftMemo', actor: alice, articleId: 'm1' }],
  approved: [{ type: 'reviewMemo', actor: rita, memoId: 'm1', decision: 'approve' }],
  waiting_customer: [{ type: 'sendAnswer', actor: alice, memoId: 'm1', articleId: 'a2' }],
  closed: [{ type: 'close', actor: alice, resolution: 'answered' }],
};

/** A ticket in `status`, reached by walking the desk's usual path from `new`. */
function ticketIn(status: TicketStatus): TicketState {
  const path = TICKET_STATUSES.slice(0, TICKET_STATUSES.indexOf(status) + 1).flatMap((s) => steps[s]);
  const state = run(fresh(), ...path);
  expect(state.status).toBe(status);
  return state;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function refusal(decision: Decision): string {
  if (decision.ok) throw new Error(`expected refusal, got status ${decision.state.status}`);
  return decision.reason;
}

// ---- the exhaustive table -----------------------------------------------------------------

/** One well-formed command of each type, by someone allowed to give it when the status permits. */
const sample: { [T in TicketCommandType]: Extract<TicketCommand, { type: T }> } = {
  assignQueue: { type: 'assignQueue', actor: alice, queue: 'billing' },
  acknowledge: { type: 'acknowledge', actor: alice, articleId: 'a9' },
  draftMemo: { type: 'draftMemo', actor: alice, articleId: 'm2' },
  reviewMemo: { type: 'reviewMemo', actor: rita, memoId: 'm1', decision: 'approve' },
  sendAnswer: { type: 'sendAnswer', actor: alice, memoId: 'm1', articleId: 'a9' },
  customerFollowUp: { type: 'customerFollowUp', articleId: 'a9', channel: 'email' },
  logPhoneCall: { type: 'logPhoneCall', actor: alice, direction: 'inbound', articleId: 'a9' },
  changePriority: { type: 'changePriority', actor: mia, priority: 'P1' },
  reassign: { type: 'reassign', actor: mia, owner: 'bob' },
  escalate: { type: 'escalate', actor: mia, level: 'L2', reason: 'needs a DBA' },
  close: { type: 'close', actor: mia, resolution: 'answered' },
  markSpam: { type: 'markSpam', actor: mia },
  autoClose: { type: 'autoClose', resolution: 'no_response' },
};

const X = null; // refused
// Columns: new, open, in_progress, in_review, approved, waiting_customer, closed → the resulting status.
const expected: Record<TicketCommandType, (TicketStatus | null)[]> = {
  assignQueue:      ['open', 'open', 'in_progress', 'in_review', 'approved', 'waiting_customer', X],
  acknowledge:      ['in_progress', 'in_progress', X, X, X, X, X],
  draftMemo:        [X, X, 'in_review', X, X, X, X],
  reviewMemo:       [X, X, X, 'approved', X, X, X],
  sendAnswer:       [X, X, X, X, 'waiting_customer', X, X],
  customerFollowUp: ['new', 'open', 'in_progress', 'in_review', 'approved', 'in_progress', 'in_progress'],
  logPhoneCall:     ['new', 'open', 'in_progress', 'in_review', 'approved', 'in_progress', X],
  changePriority:   ['new', 'open', 'in_progress', 'in_review', 'approved', 'waiting_customer', X],
  reassign:         ['new', 'open', 'in_progress', 'in_review', 'approved', 'waiting_customer', X],
  escalate:         ['new', 'open', 'in_progress', 'in_review', 'approved', 'waiting_customer', X],
  close:            ['closed', 'closed', 'closed', X, 'closed', 'closed', X],
  markSpam:         ['closed', 'closed', 'closed', 'closed', 'closed', 'closed', X],
  autoClose:        [X, X, X, X, X, 'closed', X],
};

const cases = TICKET_STATUSES.flatMap((status, column) =>
  (Object.keys(sample) as TicketCommandType[]).map((type) => ({ status, type, result: expected[type][column] })),
);

describe('every status × every command', () => {
  it('the table covers every command type', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(sample).sort());
    for (const row of Object.values(expected)) expect(row).toHaveLength(TICKET_STATUSES.length);
  });

  const now = at(30 * HOUR); // within the reopen window of the closed ticket

  it.each(cases)('$type on $status → $result', ({ status, type, result }) => {
    const state = deepFreeze(ticketIn(status));
    const before = structuredClone(state);
    const decision = decide(state, sample[type], now);

    expect(state).toEqual(before); // the input is never mutated
    if (result === null) {
      const reason = refusal(decision);
      expect(reason.length).toBeGreaterThan(0);
      expect(reason).toContain(`ticket is ${status}`);
    } else {
      const next = accepted(decision);
      expect(next.status).toBe(result);
      expect(next).not.toBe(state);
      expect(next.updatedAt).toBe(now);
    }
  });
});

// ---- targeted rules -----------------------------------------------------------------------

describe('new tickets', () => {
  it('start new, unqueued, unowned, at L1 with zero counts', () => {
    const t = newTicketState({
      number: '7',
      subject: 's',
      customer: { email: 'c@example.jp' },
      channel: 'phone',
      priority: 'P2',
      createdAt: at(0),
      refersTo: '6',
      suspect: { score: 0.7 },
    });
    expect(t).toMatchObject({ status: 'new', queue: null, owner: null, supportLevel: 'L1', spam: false });
    expect(t).toMatchObject({ number: '7', channel: 'phone', priority: 'P2', refersTo: '6', suspect: { score: 0.7 } });
    expect(t.counts).toEqual({ followUps: 0, phoneCalls: 0, articles: 0, refused: 0 });
    expect(t.memos).toEqual([]);
    expect(t.updatedAt).toBe(at(0));
    expect('refersTo' in fresh()).toBe(false);
  });
});

describe('acknowledge (receipt notice)', () => {
  it('makes the sender owner and puts an unqueued ticket in the default queue', () => {
    const t = accepted(decide(fresh(), { type: 'acknowledge', actor: bob, articleId: 'a1' }, at(HOUR)));
    expect(t).toMatchObject({ owner: 'bob', queue: DEFAULT_QUEUE, acknowledgedAt: at(HOUR), status: 'in_progress' });
    expect(t.counts.articles).toBe(1);
  });

  it('keeps the queue the ticket was put in', () => {
    const open = run(fresh(), { type: 'assignQueue', actor: alice, queue: 'billing' });
    const t = accepted(decide(open, { type: 'acknowledge', actor: alice, articleId: 'a1' }, at(2 * HOUR)));
    expect(t.queue).toBe('billing');
  });

  it('a second receipt notice is refused, saying it was already sent', () => {
    const reason = refusal(decide(ticketIn('in_progress'), sample.acknowledge, at(5 * HOUR)));
    expect(reason).toMatch(/already sent/);
    expect(reason).toContain('ticket is in_progress');
  });

  it('an owner assigned beforehand by a manager is the one who acknowledges', () => {
    const assigned = run(fresh(), { type: 'reassign', actor: mia, owner: 'bob' });
    expect(refusal(decide(assigned, { type: 'acknowledge', actor: alice, articleId: 'a1' }, at(2 * HOUR)))).toContain('bob');
    const t = accepted(decide(assigned, { type: 'acknowledge', actor: bob, articleId: 'a1' }, at(2 * HOUR)));
    expect(t.owner).toBe('bob');
  });
});

describe('assignQueue', () => {
  it('past new, moves the queue without changing the status', () => {
    const t = accepted(decide(ticketIn('in_review'), sample.assignQueue, at(9 * HOUR)));
    expect(t).toMatchObject({ status: 'in_review', queue: 'billing' });
  });
});

describe('draftMemo', () => {
  it('adds the memo in review, authored by the owner', () => {
    const t = ticketIn('in_review');
    expect(t.memos).toEqual([{ id: 'm1', author: 'alice', status: 'in_review', createdAt: at(3 * HOUR) }]);
    expect(t.counts.articles).toBe(2);
  });

  it('by someone other than the owner is refused, naming the owner; a manager may', () => {
    const t = ticketIn('in_progress');
    expect(refusal(decide(t, { type: 'draftMemo', actor: bob, articleId: 'm2' }, at(9 * HOUR)))).toContain('alice');
    const byManager = accepted(decide(t, { type: 'draftMemo', actor: mia, articleId: 'm2' }, at(9 * HOUR)));
    expect(byManager.memos[0]).toMatchObject({ author: 'mia', status: 'in_review' });
  });

  it('while another memo is in review is refused, naming that memo', () => {
    const reason = refusal(decide(ticketIn('in_review'), sample.draftMemo, at(9 * HOUR)));
    expect(reason).toContain('m1');
    expect(reason).toContain('ticket is in_review');
  });
});

describe('reviewMemo', () => {
  it('approval records the reviewer and moves the ticket to approved', () => {
    const t = ticketIn('approved');
    expect(t.memos[0]).toMatchObject({ status: 'approved', reviewer: 'rita', reviewedAt: at(4 * HOUR) });
  });

  it('self-review is refused, even for a reviewer or a manager', () => {
    const ownedByReviewer = run(
      fresh(),
      { type: 'acknowledge', actor: rita, articleId: 'a1' },
      { type: 'draftMemo', actor: rita, articleId: 'm1' },
    );
    const own = { type: 'reviewMemo', actor: rita, memoId: 'm1', decision: 'approve' } as const;
    expect(refusal(decide(ownedByReviewer, own, at(9 * HOUR)))).toMatch(/rita wrote it/);

    const draftedByManager = run(ticketIn('in_progress'), { type: 'draftMemo', actor: mia, articleId: 'm1' });
    const mine = { type: 'reviewMemo', actor: mia, memoId: 'm1', decision: 'reject', comment: 'ok' } as const;
    expect(refusal(decide(draftedByManager, mine, at(9 * HOUR)))).toMatch(/mia wrote it/);
  });

  it('approving when no memo is in review is refused, saying the memo and ticket status', () => {
    const t = ticketIn('in_progress');
    expect(refusal(decide(t, sample.reviewMemo, at(9 * HOUR)))).toBe(
      'cannot approve memo m1: there is no memo m1 (ticket is in_progress)',
    );
    const rejected = run(ticketIn('in_review'), { ...sample.reviewMemo, decision: 'reject', comment: 'too vague' });
    expect(refusal(decide(rejected, sample.reviewMemo, at(9 * HOUR)))).toBe(
      'cannot approve memo m1: it is rejected, not in review (ticket is in_progress)',
    );
  });

  it('a rejection needs a comment, and sends the ticket back to in_progress', () => {
    const t = ticketIn('in_review');
    const bare = { type: 'reviewMemo', actor: rita, memoId: 'm1', decision: 'reject', comment: '  ' } as const;
    expect(refusal(decide(t, bare, at(9 * HOUR)))).toMatch(/comment/);
    const back = accepted(decide(t, { ...bare, comment: 'cite the manual' }, at(9 * HOUR)));
    expect(back.status).toBe('in_progress');
    expect(back.memos[0]).toMatchObject({ status: 'rejected', reviewer: 'rita', reviewComment: 'cite the manual' });
    // After the rejection the owner drafts again.
    expect(accepted(decide(back, sample.draftMemo, at(10 * HOUR))).status).toBe('in_review');
  });

  it('is refused for an agent (defence in depth)', () => {
    const reason = refusal(decide(ticketIn('in_review'), { ...sample.reviewMemo, actor: bob }, at(9 * HOUR)));
    expect(reason).toMatch(/reviewer or a manager/);
  });

  it('of an unknown memo is refused', () => {
    const reason = refusal(decide(ticketIn('in_review'), { ...sample.reviewMemo, memoId: 'm7' }, at(9 * HOUR)));
    expect(reason).toContain('no memo m7');
  });
});

describe('sendAnswer', () => {
  it('sending an unapproved memo is refused', () => {
    const reason = refusal(decide(ticketIn('in_review'), sample.sendAnswer, at(9 * HOUR)));
    expect(reason).toBe('cannot send memo m1: it is in_review, not approved (ticket is in_review)');
  });

  it('marks the memo sent; only the owner or a manager sends', () => {
    const t = ticketIn('approved');
    expect(refusal(decide(t, { ...sample.sendAnswer, actor: bob }, at(9 * HOUR)))).toContain('alice');
    const sent = accepted(decide(t, { ...sample.sendAnswer, actor: mia }, at(9 * HOUR)));
    expect(sent.memos[0]).toMatchObject({ status: 'sent', sentAt: at(9 * HOUR) });
    expect(sent.counts.articles).toBe(t.counts.articles + 1);
  });
});

describe('customerFollowUp', () => {
  const followUp = sample.customerFollowUp;

  it.each(TICKET_STATUSES)('is never refused and always counted (%s, also long after closing)', (status) => {
    const t = ticketIn(status);
    for (const now of [at(30 * HOUR), at(365 * DAY)]) {
      const next = accepted(decide(t, followUp, now));
      expect(next.counts.followUps).toBe(t.counts.followUps + 1);
    }
  });

  it('is recorded on a spam ticket, which reopens like any other', () => {
    const spam = run(fresh(), { type: 'markSpam', actor: mia });
    expect(spam).toMatchObject({ status: 'closed', spam: true, resolution: 'spam' });
    const decision = decide(spam, followUp, at(2 * DAY));
    expect(decision).toMatchObject({ ok: true, note: 'reopened' });
    // Nobody owned it: back to the start, not to in_progress.
    expect(accepted(decision)).toMatchObject({ status: 'new', spam: false });
  });

  it('reopens a closed ticket within 14 days of closing (up to the last millisecond before closedAt + 14 d), clearing closedAt and resolution', () => {
    const closed = ticketIn('closed');
    const closedAt = Date.parse(closed.closedAt!);
    const decision = decide(closed, followUp, new Date(closedAt + DEFAULT_REOPEN_WINDOW_MS - 1).toISOString());
    expect(decision).toMatchObject({ ok: true, note: 'reopened' });
    const t = accepted(decision);
    expect(t).toMatchObject({ status: 'in_progress', owner: 'alice' });
    expect(t.closedAt).toBeUndefined();
    expect(t.resolution).toBeUndefined();
    expect(DEFAULT_REOPEN_WINDOW_MS).toBe(14 * DAY);
  });

  it('after the window leaves the ticket closed and says the follow-up belongs to a new ticket', () => {
    const closed = ticketIn('closed');
    // Exactly at closedAt + 14 d the window is over (workflows/reopen-window.ts): the workflow ends then.
    const late = new Date(Date.parse(closed.closedAt!) + DEFAULT_REOPEN_WINDOW_MS).toISOString();
    const decision = decide(closed, followUp, late);
    expect(decision).toMatchObject({ ok: true, note: 'followUpAfterReopenWindow' });
    const t = accepted(decision);
    expect(t).toMatchObject({ status: 'closed', closedAt: closed.closedAt, resolution: 'answered' });
    expect(t.counts.followUps).toBe(closed.counts.followUps + 1);
  });

  it('honours a configured reopen window', () => {
    const closed = ticketIn('closed');
    const twoDaysLater = new Date(Date.parse(closed.closedAt!) + 2 * DAY).toISOString();
    expect(decide(closed, followUp, twoDaysLater, { reopenWindowMs: DAY })).toMatchObject({
      note: 'followUpAfterReopenWindow',
    });
    expect(decide(closed, followUp, twoDaysLater, { reopenWindowMs: 3 * DAY })).toMatchObject({ note: 'reopened' });
  });

  it('on an open ticket carries no note', () => {
    const decision = decide(ticketIn('waiting_customer'), followUp, at(9 * HOUR));
    expect(decision.ok && decision.note).toBeFalsy();
  });
});

describe('logPhoneCall', () => {
  it('counts the call; an outbound call leaves a waiting ticket waiting', () => {
    const t = ticketIn('waiting_customer');
    const next = accepted(decide(t, { ...sample.logPhoneCall, direction: 'outbound' }, at(9 * HOUR)));
    expect(next.status).toBe('waiting_customer');
    expect(next.counts.phoneCalls).toBe(t.counts.phoneCalls + 1);
    expect(next.counts.articles).toBe(t.counts.articles + 1);
  });
});

describe('close and autoClose', () => {
  it('close sets closedAt and the resolution', () => {
    const t = ticketIn('closed');
    expect(t).toMatchObject({ closedAt: at(6 * HOUR), resolution: 'answered' });
  });

  it('close needs a non-empty resolution and the owner or a manager', () => {
    const t = ticketIn('waiting_customer');
    expect(refusal(decide(t, { type: 'close', actor: alice, resolution: ' ' }, at(9 * HOUR)))).toMatch(/resolution/);
    expect(refusal(decide(t, { type: 'close', actor: bob, resolution: 'done' }, at(9 * HOUR)))).toContain('alice');
  });

  it('a ticket nobody owns yet can only be closed by a manager', () => {
    const t = ticketIn('open');
    expect(refusal(decide(t, { type: 'close', actor: alice, resolution: 'duplicate' }, at(9 * HOUR)))).toMatch(
      /nobody yet/,
    );
    expect(accepted(decide(t, { type: 'close', actor: mia, resolution: 'duplicate' }, at(9 * HOUR))).status).toBe(
      'closed',
    );
  });

  it('autoClose closes a waiting ticket with no_response', () => {
    const t = accepted(decide(ticketIn('waiting_customer'), sample.autoClose, at(9 * DAY)));
    expect(t).toMatchObject({ status: 'closed', resolution: 'no_response', closedAt: at(9 * DAY) });
  });

  it('any command but a follow-up on a closed ticket names the closed status', () => {
    const reason = refusal(decide(ticketIn('closed'), sample.changePriority, at(9 * HOUR)));
    expect(reason).toBe(
      'cannot change priority to P1: closed tickets only take customer follow-ups (ticket is closed)',
    );
  });
});

describe('priority, reassign, escalate', () => {
  it('changing to the same priority is refused', () => {
    const reason = refusal(decide(fresh(), { ...sample.changePriority, priority: 'P3' }, at(HOUR)));
    expect(reason).toMatch(/already P3/);
  });

  it('the owner may hand over; another agent may not', () => {
    const t = ticketIn('in_progress');
    expect(accepted(decide(t, { type: 'reassign', actor: alice, owner: 'bob' }, at(9 * HOUR))).owner).toBe('bob');
    expect(refusal(decide(t, { type: 'reassign', actor: alice, owner: 'alice' }, at(9 * HOUR)))).toMatch(/already owns/);
    const byOther = { type: 'reassign', actor: { user: 'carol', role: 'agent' }, owner: 'bob' } as const;
    expect(refusal(decide(t, byOther, at(9 * HOUR)))).toContain('alice');
  });

  it('escalation raises the level, needs a reason, and stops at L3', () => {
    const t = ticketIn('in_progress');
    const toL3 = accepted(decide(t, { type: 'escalate', actor: alice, level: 'L3', reason: 'kernel bug' }, at(9 * HOUR)));
    expect(toL3.supportLevel).toBe('L3');
    expect(refusal(decide(toL3, { ...sample.escalate, level: 'L3' }, at(10 * HOUR)))).toMatch(
      /top level L3/,
    );
    const l2 = run(t, sample.escalate);
    expect(refusal(decide(l2, sample.escalate, at(10 * HOUR)))).toMatch(/not above the current level L2/);
    expect(refusal(decide(t, { ...sample.escalate, reason: '' }, at(9 * HOUR)))).toMatch(/reason/);
    expect(refusal(decide(t, { ...sample.escalate, actor: bob }, at(9 * HOUR)))).toContain('alice');
  });
});

describe('bookkeeping', () => {
  it('counts an article for every accepted command that carries one, and only those', () => {
    const withArticle = new Set<TicketCommandType>(['acknowledge', 'draftMemo', 'sendAnswer', 'customerFollowUp', 'logPhoneCall']);
    for (const { status, type, result } of cases) {
      if (result === null) continue;
      const t = ticketIn(status);
      const next = accepted(decide(t, sample[type], at(30 * HOUR)));
      expect([type, status, next.counts.articles - t.counts.articles]).toEqual([
        type,
        status,
        withArticle.has(type) ? 1 : 0,
      ]);
    }
  });

  it('a receipt notice or answer composed later by an activity (no articleId) is not counted here', () => {
    const acked = accepted(decide(fresh(), { type: 'acknowledge', actor: alice }, at(HOUR)));
    expect(acked.counts.articles).toBe(0);
    const t = ticketIn('approved');
    const sent = accepted(decide(t, { type: 'sendAnswer', actor: alice, memoId: 'm1' }, at(9 * HOUR)));
    expect(sent.counts.articles).toBe(t.counts.articles);
  });

  it('spam: marked tickets are closed as spam', () => {
    const t = accepted(decide(ticketIn('open'), sample.markSpam, at(9 * HOUR)));
    expect(t).toMatchObject({ status: 'closed', spam: true, resolution: 'spam', closedAt: at(9 * HOUR) });
  });
});

describe('texts a ticket cannot keep (whoever sent the command)', () => {
  const cases: Array<[string, TicketCommand, RegExp]> = [
    ['a NUL in an escalation reason', { type: 'escalate', actor: alice, level: 'L2', reason: 'x\u0000' }, /reason must not contain control characters: U\+0000 at position 1/],
    ['a lone surrogate in a queue', { type: 'assignQueue', actor: alice, queue: 'q\ud800' }, /queue is not valid Unicode: a lone surrogate U\+D800/],
    ['a control character in the actor', { type: 'acknowledge', actor: { user: 'al\u0007ice', role: 'agent' }, articleId: 'a1' }, /actor\.user must not contain control characters: U\+0007/],
    ['a NUL in a resolution', { type: 'close', actor: alice, resolution: 'done\u0000' }, /resolution must not contain control characters/],
  ];
  for (const [what, command, reason] of cases) {
    it(`refuses ${what}, naming the field and never quoting it`, () => {
      const decision = decide(ticketIn('in_progress'), command, at(9 * HOUR));
      expect(decision.ok).toBe(false);
      if (decision.ok) return;
      expect(decision.reason).toMatch(reason);
      expect(decision.reason).toMatch(new RegExp(`^cannot ${command.type}: `));
      expect(decision.reason).not.toMatch(/[\u0000\u0007\ud800]/);
    });
  }

  it('takes tabs and line breaks in multi-line text', () => {
    const decision = decide(ticketIn('in_progress'), { type: 'close', actor: alice, resolution: '再起動で復旧\n\t手順は memo 参照' }, at(9 * HOUR));
    expect(decision.ok).toBe(true);
  });
});
