/** One fact of a notice, shown as a labelled line. */
export interface MailFact {
  label: string;
  value: string;
}

/** What an account e-mail says, before it is rendered as plain text and HTML. */
export interface MailContent {
  subject: string;
  /** The opening sentence: what happened. */
  summary: string;
  facts: readonly MailFact[];
  /** What to do if the reader did not do this. */
  advice: string;
  action: { label: string; url: string };
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `value` safe inside HTML text and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** The plain-text part of `content`. */
export function renderText(content: MailContent): string {
  const width = Math.max(...content.facts.map((fact) => fact.label.length));
  const facts = content.facts.map((fact) => `  ${`${fact.label}:`.padEnd(width + 2)}${fact.value}`);
  return [
    content.summary,
    '',
    ...facts,
    '',
    content.advice,
    '',
    `${content.action.label}: ${content.action.url}`,
    '',
    '-- ',
    'Skytells. You receive this because it concerns the security of your account.',
    '',
  ].join('\n');
}

/** The HTML part of `content`: simple markup that every mail client shows alike. */
export function renderHtml(content: MailContent): string {
  const rows = content.facts
    .map(
      (fact) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(fact.label)}</th>` +
        `<td style="padding:2px 0">${escapeHtml(fact.value)}</td></tr>`,
    )
    .join('\n');
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">',
    `<p>${escapeHtml(content.summary)}</p>`,
    `<table role="presentation">\n${rows}\n</table>`,
    `<p>${escapeHtml(content.advice)}</p>`,
    `<p><a href="${escapeHtml(content.action.url)}">${escapeHtml(content.action.label)}</a></p>`,
    '<p style="color:#555;font-size:small">Skytells. You receive this because it concerns the security of your account.</p>',
    '</body></html>',
    '',
  ].join('\n');
}
