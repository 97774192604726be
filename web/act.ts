// One way to act: every console action is the matching API request, made
// in-process for the person signed in. The same route runs — its role check,
// its zod schema, Idempotency-Key, the audit line, the Temporal Update — so the
// console has no rules of its own to drift from the API's.
import type { Context, Hono } from 'hono';
import type { ConsoleCall } from '../api/guards';
import type { ApiEnv } from '../api/env';
import type { TicketView } from '../workflows/ticket-messages';
import type { Actor } from '../workflows/ticket-types';

export type ActOutcome =
  | { ok: true; status: number; body: TicketView & { memoId?: string } }
  | { ok: false; status: number; title: string; detail: string; field?: string };

export async function actThroughApi(
  api: Hono<ApiEnv>,
  c: Context<ApiEnv>,
  actor: Actor,
  request: { path: string; body: unknown; idempotencyKey?: string; method?: 'POST' | 'PATCH' },
): Promise<ActOutcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
  // The connection's own bindings travel along, so the API sees (and audits) the person's address.
  const env: ConsoleCall & object = { ...(c.env as object), consoleActor: actor };
  const response = await api.fetch(new Request(new URL(request.path, c.req.url), { method: request.method ?? 'POST', headers, body: JSON.stringify(request.body) }), env);
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.ok) return { ok: true, status: response.status, body: body as unknown as TicketView & { memoId?: string } };
  return {
    ok: false,
    status: response.status,
    title: String(body.title ?? `HTTP ${response.status}`),
    detail: String(body.detail ?? ''),
    ...(typeof body.field === 'string' ? { field: body.field } : {}),
  };
}

/** A read (file download, summary) through the API route that serves it, answered as the API answers. */
export function readThroughApi(api: Hono<ApiEnv>, c: Context<ApiEnv>, actor: Actor, path: string): Promise<Response> {
  const env: ConsoleCall & object = { ...(c.env as object), consoleActor: actor };
  return Promise.resolve(api.fetch(new Request(new URL(path, c.req.url), { method: 'GET' }), env));
}
