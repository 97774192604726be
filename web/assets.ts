// The console's own files and htmx, served from the product (no CDN: the desk
// may have no internet). htmx comes pinned from node_modules; the rest is ours.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';

const require = createRequire(import.meta.url);

const FILES: Record<string, { path: string; type: string }> = {
  'htmx.min.js': { path: require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'console.js': { path: fileURLToPath(new URL('./assets/console.js', import.meta.url)), type: 'text/javascript; charset=utf-8' },
  'console.css': { path: fileURLToPath(new URL('./assets/console.css', import.meta.url)), type: 'text/css; charset=utf-8' },
};

export function consoleAssets(app: Hono<any>): void {
  // Read once at start: a missing file stops the start rather than a page.
  const bodies = Object.fromEntries(Object.entries(FILES).map(([name, file]) => [name, readFileSync(file.path)]));
  app.get('/assets/:name', (c) => {
    const name = c.req.param('name');
    const file = FILES[name];
    if (!file) return c.notFound();
    return c.body(new Uint8Array(bodies[name]), 200, { 'content-type': file.type, 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' });
  });
}
