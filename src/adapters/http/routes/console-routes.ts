import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/**
 * The console's Content-Security-Policy: its own scripts, styles and API only; no inline script,
 * no plugins, never framed (clickjacking), no `<base>` tricks. Replaces the API's `default-src 'none'` on the
 * responses of this plugin.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Where `vite build` puts the console: `web/dist` at the package root. Both this file
 * (`src/adapters/http/routes/`) and its compiled form (`dist/adapters/http/routes/`) sit four levels
 * below the root.
 */
export const CONSOLE_ASSETS_DIR = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));

/**
 * Paths the single-page console answers with its `index.html`; the client-side router takes over
 * from there. Everything else (`/v1/*`, `/oauth/*`, `/healthz`, …) keeps the JSON 404.
 */
export const CONSOLE_PATHS = ['/', '/signin', '/signup', '/settings', '/settings/*'] as const;

/** Options of {@link consoleRoutes}. */
export interface ConsoleRoutesOptions {
  /** The built console; default {@link CONSOLE_ASSETS_DIR}. */
  root?: string;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Skytells Access</title></head>
<body><h1>The console is not built</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds first), then reload this page.
The HTTP API under <code>/v1</code> works without it.</p></body></html>
`;

/** Serves the built web console at `/`, with a strict CSP, and a 503 page when it was not built. */
export const consoleRoutes: FastifyPluginAsync<ConsoleRoutesOptions> = async (app, options) => {
  const root = options.root ?? CONSOLE_ASSETS_DIR;

  // Encapsulated: only the responses of this plugin (pages and assets) get the console's policy.
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('content-security-policy', CONSOLE_CSP);
    return payload;
  });

  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    wildcard: true,
    index: false,
    decorateReply: false,
    // Vite names every asset after its content hash.
    immutable: true,
    maxAge: '365d',
  });

  for (const path of CONSOLE_PATHS) {
    app.get(path, async (_request, reply) => {
      let html: string;
      try {
        html = await readFile(join(root, 'index.html'), 'utf8');
      } catch {
        return reply
          .code(503)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(NOT_BUILT);
      }
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    });
  }
};
