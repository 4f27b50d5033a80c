import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestPlatform, type TestPlatform } from '../support/harness.js';

/** Debian's Chromium; `CHROMIUM_PATH` points elsewhere. Playwright cannot download its own here. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** The flags the console's browser tests run Chromium with: quiet, offline-friendly, CI-safe. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where the tests put their screenshots (gitignored). */
export const SCREENSHOTS = join(ROOT, 'test-results', 'console');

/** The README's screenshot of the Tokens page. */
export const DOCS_SCREENSHOT = join(ROOT, 'docs', 'screenshots', 'tokens.png');

/** Saves a screenshot of `page` as `test-results/console/<name>.png`. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage, animations: 'disabled' });
}

/** Writes the README screenshot when it is missing, or when `SKYTELLS_UPDATE_SCREENSHOTS=1`. */
export async function docsScreenshot(page: Page): Promise<void> {
  if (existsSync(DOCS_SCREENSHOT) && process.env['SKYTELLS_UPDATE_SCREENSHOTS'] !== '1') return;
  mkdirSync(dirname(DOCS_SCREENSHOT), { recursive: true });
  await page.screenshot({ path: DOCS_SCREENSHOT, fullPage: false, animations: 'disabled' });
}

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestChange(join(path, entry))));
}

/**
 * Builds the console into web/dist, as `npm run build` does, unless the build is newer than every
 * source: the browser tests always see the current console.
 */
export async function buildConsole(): Promise<void> {
  const web = join(ROOT, 'web');
  const built = join(web, 'dist', 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts'].map((entry) => newestChange(join(web, entry)));
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources)) return;
  const { build } = await import('vite');
  // Vitest sets NODE_ENV=test, which would bundle React's development build.
  const nodeEnv = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  try {
    await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    process.env['NODE_ENV'] = nodeEnv;
  }
}

/** A real platform (SQLite, real services) listening on a free loopback port. */
export interface ConsoleServer {
  platform: TestPlatform;
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts a listening server for the browser; `env` as the server's environment. */
export async function startConsoleServer(env: Record<string, string> = {}): Promise<ConsoleServer> {
  const platform = await createTestPlatform({ env });
  const address = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  return { platform, baseUrl: address.replace('localhost', '127.0.0.1'), close: () => platform.close() };
}

/** A signed-in API session made from the test, not the browser: its cookie and CSRF token. */
export interface ApiSession {
  email: string;
  password: string;
  cookie: string;
  csrf: string;
}

let accounts = 0;

/** A fresh email address for one test. */
export function freshEmail(label: string): string {
  accounts += 1;
  return `${label}-${accounts}-${Date.now().toString(36)}@example.com`;
}

/** Signs up and signs in through the HTTP API, as a script would. */
export async function apiSignUp(baseUrl: string, label: string): Promise<ApiSession> {
  const email = freshEmail(label);
  const password = 'correct horse battery staple';
  const json = { 'content-type': 'application/json' };
  const created = await fetch(`${baseUrl}/v1/accounts`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, password }),
  });
  if (created.status !== 201) throw new Error(`sign-up failed: ${await created.text()}`);
  const signedIn = await fetch(`${baseUrl}/v1/sessions`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, password }),
  });
  if (signedIn.status !== 201) throw new Error(`sign-in failed: ${await signedIn.text()}`);
  const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrf_token: csrf } = (await signedIn.json()) as { csrf_token: string };
  return { email, password, cookie, csrf };
}

/** Calls the API as `session` (cookie + CSRF token). */
export async function apiCall<T = unknown>(
  baseUrl: string,
  session: ApiSession,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

/** Calls the API with an access token, as a CI job or the CLI would, with its own user agent. */
export async function callWithToken(
  baseUrl: string,
  token: string,
  path: string,
  userAgent: string,
): Promise<{ status: number; body: { code?: string } }> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { authorization: `Bearer ${token}`, 'user-agent': userAgent },
  });
  return { status: response.status, body: (await response.json()) as { code?: string } };
}

/** A browser context signed in as `session`: the session cookie, as if the user had signed in. */
export async function signedInContext(
  browser: Browser,
  baseUrl: string,
  session: ApiSession,
  viewport = { width: 1280, height: 800 },
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport });
  const [name, ...value] = session.cookie.split('=');
  await context.addCookies([{ name: name ?? '', value: value.join('='), url: baseUrl }]);
  return context;
}

/**
 * True when `text` is anywhere in the page's JavaScript heap (React state included), after a
 * garbage collection: a heap snapshot holds every live string.
 */
export async function isInJsHeap(context: BrowserContext, page: Page, text: string): Promise<boolean> {
  const cdp = await context.newCDPSession(page);
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', (event) => chunks.push(event.chunk));
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await cdp.detach();
  return chunks.join('').includes(text);
}
