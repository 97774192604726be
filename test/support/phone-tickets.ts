// Tickets as the phone desk makes them, for tests that need open or closed
// tickets on a stack: opened by the integrator, worked and closed by alice.
import { expect } from 'vitest';
import { eventually, type TestStack } from './stack';

/** The answer's body, after checking its status (the body is shown when it is not the one expected). */
export async function expectStatus(response: Promise<{ status: number; body: any }>, status = 200) {
  const got = await response;
  expect(got.status, JSON.stringify(got.body)).toBe(status);
  return got.body;
}

/** A P3 phone ticket taken by the integrator (ivan) for `customer`. */
export async function openPhoneTicket(stack: TestStack, customer: string, subject: string, body: string): Promise<string> {
  const created = await expectStatus(stack.call('ivan', 'POST', '/api/tickets', { customer: { email: customer, name: '佐藤一郎' }, subject, body, priority: 'P3' }), 201);
  return created.number as string;
}

/** Opened, then queued, acknowledged and closed by alice with `resolution`; resolves once the read model says closed. */
export async function closedPhoneTicket(stack: TestStack, customer: string, subject: string, body: string, resolution: string): Promise<string> {
  const number = await openPhoneTicket(stack, customer, subject, body);
  const ticket = `/api/tickets/${number}`;
  expect((await expectStatus(stack.call('alice', 'POST', `${ticket}/queue`, { queue: 'maintenance-support' }))).status).toBe('open');
  expect((await expectStatus(stack.call('alice', 'POST', `${ticket}/acknowledge`, {}))).status).toBe('in_progress');
  expect(await expectStatus(stack.call('alice', 'POST', `${ticket}/close`, { resolution }))).toMatchObject({ status: 'closed', resolution });
  // The read model records the close after the update has answered.
  await eventually(() => stack.db.selectFrom('tickets').select('number').where('number', '=', number).where('status', '=', 'closed').executeTakeFirst(), 20_000);
  return number;
}
