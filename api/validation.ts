import type { Context } from 'hono';
import { z } from 'zod';
import { badRequest, Problem } from './problem';
import { stringProblem } from '../workflows/text-rules';
import { PATH_PARAMETERS } from './ticket-schemas';

/** application/json, or a +json type (application/merge-patch+json), with any parameters (charset=utf-8). */
function isJsonType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
}

/**
 * A JSON body must say so: JSON sent as text/plain (or a form) is 415, before
 * the body is read. A request without a body (or an empty one without a type)
 * is taken as `{}`.
 */
export function requireJsonBody(c: Context): void {
  const type = c.req.header('content-type');
  if (type === undefined || isJsonType(type)) return;
  throw new Problem(415, 'Unsupported media type', `send the body as application/json, not ${type.slice(0, 100)}`, { field: 'Content-Type' });
}

/** Parses the JSON body with `schema`; a failure names the field that is wrong. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  requireJsonBody(c);
  const text = await c.req.text();
  if (text !== '' && c.req.header('content-type') === undefined) {
    throw new Problem(415, 'Unsupported media type', 'send the body with Content-Type: application/json', { field: 'Content-Type' });
  }
  let raw: unknown;
  try {
    raw = text === '' ? {} : JSON.parse(text);
  } catch {
    throw badRequest('the body is not valid JSON');
  }
  return parsed(schema, raw, '(body)');
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parsed(schema, c.req.query(), '(query)');
}

/**
 * The path's parameters, checked: a control character or lone surrogate is
 * a 400 naming the parameter; a value of the wrong shape (a ticket number of
 * letters, a 30-digit article id) is a 404, as for any name of nothing.
 */
export function readParams(c: Context): Record<string, string> {
  const params = c.req.param() as Record<string, string>;
  for (const [name, value] of Object.entries(params)) {
    const problem = stringProblem(value);
    if (problem) throw badRequest(`${name}: ${problem}`, { field: name });
  }
  for (const [name, value] of Object.entries(params)) {
    const known = PATH_PARAMETERS[name];
    if (known && !known.pattern.test(value)) {
      throw new Problem(404, 'Not found', `${known.notFound}: ${name} must be ${known.description}, not "${value.slice(0, 40)}${value.length > 40 ? '…' : ''}"`);
    }
  }
  return params;
}

function parsed<S extends z.ZodType>(schema: S, raw: unknown, whole: string): z.infer<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : whole;
    throw badRequest(`${field}: ${issue.message}`, { field });
  }
  return result.data;
}
