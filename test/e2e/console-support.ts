import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/** The WCAG 2.1 AA rule sets of axe-core: level A and AA, of WCAG 2.0 and of 2.1. */
export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Page-side functions: `rgba(css)` parses a computed colour, `backgroundOf(element)` finds the
 * opaque background behind an element, `contrast(a, b)` is the WCAG contrast ratio.
 */
export const IN_PAGE_CONTRAST = `
  const rgba = (color) => (color.match(/[\\d.]+/g) ?? []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b]
    .map((v) => v / 255)
    .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const contrast = (a, b) => {
    const [lighter, darker] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (lighter + 0.05) / (darker + 0.05);
  };
  const backgroundOf = (element) => {
    for (let at = element; at !== null; at = at.parentElement) {
      const color = rgba(getComputedStyle(at).backgroundColor);
      if (color.length === 3 || color[3] === 1) return color;
    }
    return [255, 255, 255];
  };`;

/**
 * What axe-core leaves to people: each visible text field's edge stands out 3:1 from what is around
 * it (WCAG 1.4.11) and its placeholder reads at 4.5:1 (WCAG 1.4.3).
 */
const FIELD_CHECK = `(() => {
  ${IN_PAGE_CONTRAST}
  const problems = [];
  const fields = document.querySelectorAll('input:not([type=hidden], [type=checkbox], [type=radio]), select, textarea');
  for (const field of fields) {
    const style = getComputedStyle(field);
    if (field.getBoundingClientRect().width <= 1 || style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    const around = backgroundOf(field.parentElement);
    const inside = backgroundOf(field);
    const border = parseFloat(style.borderTopWidth) > 0 ? contrast(rgba(style.borderTopColor), around) : 1;
    const edge = Math.max(border, contrast(inside, around));
    const name = (field.labels?.[0]?.textContent ?? field.getAttribute('aria-label') ?? field.name).trim();
    if (edge < 3) problems.push({ id: 'field-edge-contrast', help: 'Text fields must stand out 3:1 from their surroundings (WCAG 1.4.11)', target: name, ratio: edge });
    if (field.placeholder) {
      const placeholder = contrast(rgba(getComputedStyle(field, '::placeholder').color), inside);
      if (placeholder < 4.5) problems.push({ id: 'placeholder-contrast', help: 'Placeholder text must have a 4.5:1 contrast (WCAG 1.4.3)', target: name, ratio: placeholder });
    }
  }
  return problems.map(({ id, help, target, ratio }) => ({ id, impact: 'serious', help: help + ', found ' + ratio.toFixed(2) + ':1', targets: [[target]] }));
})()`;

/** axe-core's minified build: half the size of `axe.source`, so each new document parses it sooner. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One failed check, as {@link expectAccessible} reports it. */
interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: unknown[];
}

const AXE_RUN = `axe.run(document, ${JSON.stringify({
  runOnly: { type: 'tag', values: WCAG_21_AA },
  resultTypes: ['violations'],
})}).then((results) => results.violations.map((violation) => ({
  id: violation.id,
  impact: violation.impact ?? null,
  help: violation.help,
  targets: violation.nodes.map((node) => node.target),
})))`;

/** Options of {@link expectAccessible}. */
export interface AccessibilityCheck {
  /** The colour schemes to check the page in; the page's own (light) by default. */
  colorSchemes?: readonly ('light' | 'dark')[];
}

/** Checks a page that follows the system's colour scheme in both. */
export const BOTH_SCHEMES: AccessibilityCheck = { colorSchemes: ['light', 'dark'] };

async function violationsOf(page: Page): Promise<Violation[]> {
  // Evaluated over the DevTools protocol, which the pages' CSP (no inline script) does not govern;
  // injected once per document, as the console's navigations keep theirs.
  if ((await page.evaluate('typeof window.axe')) === 'undefined') await page.evaluate(AXE_SOURCE);
  return [...(await page.evaluate<Violation[]>(AXE_RUN)), ...(await page.evaluate<Violation[]>(FIELD_CHECK))];
}

/**
 * Checks the page as it is now against WCAG 2.1 AA with axe-core ({@link WCAG_21_AA}) and the
 * contrast of text fields, and fails on any violation, naming each one's rule, impact, elements and
 * help. `label` names the state checked.
 */
export async function expectAccessible(
  page: Page,
  label: string,
  { colorSchemes }: AccessibilityCheck = {},
): Promise<void> {
  const report: string[] = [];
  for (const scheme of colorSchemes ?? [undefined]) {
    if (scheme !== undefined) await page.emulateMedia({ colorScheme: scheme });
    for (const violation of await violationsOf(page)) {
      const where = scheme === undefined ? '' : `, ${scheme} scheme`;
      report.push(
        [
          `${violation.id} (${violation.impact ?? 'no impact given'}${where}): ${violation.help}`,
          ...violation.targets.map((target) => `  at ${JSON.stringify(target)}`),
        ].join('\n'),
      );
    }
  }
  if (colorSchemes !== undefined) await page.emulateMedia({ colorScheme: null });
  if (report.length > 0) {
    throw new Error(`${label} breaks WCAG 2.1 AA (${page.url()}):\n${report.join('\n')}`);
  }
}
