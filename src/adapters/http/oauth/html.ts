/** Server-rendered pages of the authorization server: consent, device code, errors. */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A tagged template that escapes every interpolated value unless it is already {@link Html}. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(
  strings: TemplateStringsArray,
  ...values: (string | number | Html | Html[] | null | undefined)[]
): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    if (Array.isArray(value)) out += value.map((v) => v.value).join('');
    else if (value instanceof Html) out += value.value;
    else if (value !== null && value !== undefined) out += escapeHtml(String(value));
    out += strings[i + 1] ?? '';
  });
  return new Html(out);
}

/** A complete page in the console's look. */
export function page(title: string, body: Html): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Skytells</title>
        <link rel="stylesheet" href="/oauth/style.css" />
      </head>
      <body>
        <main class="card">
          <p class="brand">Skytells</p>
          ${body}
        </main>
      </body>
    </html>`.value;
}

/** The stylesheet of these pages (served from `/oauth/style.css`: no inline styles under the CSP). */
export const STYLESHEET = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #f6f8fa; --card: #fff; --line: #d0d7de;
  --control: #868e99; --accent: #0b5cd5; --accent-fg: #fff; --warn: #9a6700; --danger: #cf222e; }
/* --control: a text field's edge at 3:1 (WCAG 1.4.11); white on the dark accent at 4.5:1 (WCAG 1.4.3). */
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --card: #161b22;
  --line: #30363d; --control: #6e7681; --accent: #1f6feb; --warn: #d29922; --danger: #f85149; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; padding: 16px; }
.card { width: 100%; max-width: 440px; background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 28px; }
.brand { margin: 0 0 12px; font-weight: 700; letter-spacing: .02em; color: var(--muted); }
h1 { font-size: 20px; margin: 0 0 12px; }
p { margin: 0 0 12px; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; border: 1px solid var(--line); font-size: 12px; color: var(--muted); }
.badge.third { color: var(--warn); border-color: var(--warn); }
fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 16px; padding: 8px 12px; }
legend { padding: 0 4px; color: var(--muted); font-size: 13px; }
.scope { display: flex; gap: 10px; align-items: flex-start; padding: 6px 0; }
.scope code { font-weight: 600; }
.scope small { display: block; color: var(--muted); }
label.field { display: block; font-weight: 600; margin-bottom: 6px; }
input[type=text] { width: 100%; font: inherit; font-size: 20px; letter-spacing: .15em; text-transform: uppercase; padding: 10px 12px;
  border: 1px solid var(--control); border-radius: 8px; background: transparent; color: inherit; margin-bottom: 16px; }
.actions { display: flex; gap: 10px; justify-content: flex-end; }
input::placeholder { color: var(--muted); opacity: 1; }
button { font: inherit; font-weight: 600; padding: 9px 16px; border-radius: 8px; border: 1px solid var(--line); background: transparent; color: inherit; cursor: pointer; }
button.primary { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); }
button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.error { color: var(--danger); }
.code { font: 600 22px/1.2 ui-monospace, SFMono-Regular, Menlo, monospace; letter-spacing: .12em; }
`;
