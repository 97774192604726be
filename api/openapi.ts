import { z } from 'zod';
import type { RouteBook, ResponseSpec } from './route-book';
import { PATH_PARAMETERS } from './ticket-schemas';

/** The OpenAPI 3.1 document, built from the same zod schemas that validate the requests. */
export function openApiDocument(book: RouteBook) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of book.routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const parameters: Array<Record<string, unknown>> = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => {
      const known = PATH_PARAMETERS[name];
      return { name, in: 'path', required: true, ...(known ? { description: known.description } : {}), schema: { type: 'string', ...(known ? { pattern: known.pattern.source } : {}) } };
    });
    if (route.query) {
      const query = z.toJSONSchema(route.query, { io: 'input' }) as { properties?: Record<string, unknown> };
      for (const [name, schema] of Object.entries(query.properties ?? {})) parameters.push({ name, in: 'query', required: false, schema });
    }
    const requestBody = route.body
      ? { required: true, content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input' }) } } }
      : route.rawBody
        ? { required: true, content: { [route.rawBody]: { schema: { type: 'string', format: 'binary' } } } }
        : undefined;
    const ok: Record<number, ResponseSpec> = route.responses ?? { 200: 'the result' };
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.action,
      summary: route.summary,
      description:
        `Roles: ${route.roles.join(', ')}.` +
        (route.method === 'post' || route.method === 'patch' ? ' An Idempotency-Key header (at most 200 characters) makes a retry within 24 h get the first answer; the same key with another body is 422.' : ''),
      parameters,
      ...(requestBody ? { requestBody } : {}),
      security: [{ bearer: [] }],
      responses: {
        ...Object.fromEntries(Object.entries(ok).map(([status, spec]) => [status, successResponse(spec)])),
        400: { $ref: '#/components/responses/Problem' },
        401: { $ref: '#/components/responses/Unauthenticated' },
        403: { $ref: '#/components/responses/Problem' },
        404: { $ref: '#/components/responses/Problem' },
        409: { $ref: '#/components/responses/Problem' },
        ...(route.method !== 'get' ? { 413: { $ref: '#/components/responses/Problem' } } : {}),
        ...(route.body ? { 415: { $ref: '#/components/responses/Problem' } } : {}),
        ...(route.method === 'post' || route.method === 'patch' ? { 422: { $ref: '#/components/responses/Problem' } } : {}),
        503: { $ref: '#/components/responses/Problem' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Helpdesk API', version: '0.1.0', description: 'Support tickets, each a durable Temporal workflow.' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'npx helpdesk token create --user <name> --role <role>' } },
      responses: {
        Unauthenticated: {
          description: 'RFC 9457 problem details; WWW-Authenticate says what was wrong (RFC 6750)',
          headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
          content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } },
        },
        Problem: {
          description: 'RFC 9457 problem details',
          content: {
            'application/problem+json': { schema: PROBLEM_SCHEMA },
          },
        },
      },
    },
  };
}

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, field: { type: 'string' } },
};

function successResponse(spec: ResponseSpec) {
  if (typeof spec === 'string') return { description: spec };
  if (spec.schema) return { description: spec.description, content: { 'application/json': { schema: z.toJSONSchema(spec.schema, { io: 'output' }) } } };
  if (spec.contentType) return { description: spec.description, content: { [spec.contentType]: { schema: { type: 'string', format: 'binary' } } } };
  return { description: spec.description };
}

/** A readable reference page: the operations, their roles and bodies, from the same document. */
export function docsPage(document: ReturnType<typeof openApiDocument>): string {
  const escape = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const sections = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const operation = op as { summary: string; description: string; requestBody?: { content: Record<string, { schema: unknown }> } };
      const body = operation.requestBody ? Object.entries(operation.requestBody.content)[0] : undefined;
      return `<section><h2><code>${method.toUpperCase()} ${escape(path)}</code></h2><p>${escape(operation.summary)}. ${escape(operation.description)}</p>${
        body ? `<p>Body (${escape(body[0])}):</p><pre>${escape(JSON.stringify(body[1].schema, null, 2))}</pre>` : ''
      }</section>`;
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Helpdesk API</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:.5rem;overflow:auto}h2{font-size:1.05rem;margin-top:2rem}</style>
</head><body><h1>Helpdesk API</h1><p>All requests need <code>Authorization: Bearer &lt;token&gt;</code>. Errors are RFC 9457 problem details. Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
${sections.join('\n')}</body></html>`;
}
