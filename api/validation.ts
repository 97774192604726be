import type { Context } from 'hono';
import { z } from 'zod';
import { badRequest } from './problem';

/** Parses the JSON body with `schema`; a failure names the field that is wrong. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text === '' ? {} : JSON.parse(text);
  } catch {
    throw badRequest('the body is not valid JSON');
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : '(body)';
    throw badRequest(`${field}: ${issue.message}`, { field });
  }
  return result.data;
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.join('.') || '(query)';
    throw badRequest(`${field}: ${issue.message}`, { field });
  }
  return result.data;
}
