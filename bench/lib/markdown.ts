/** A Markdown table, its columns padded so that it reads as a table in a terminal too. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** `n` with thousands separators, rounded to whole units. */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-GB');
}

/** Milliseconds, with one decimal below 10. */
export function ms(n: number): string {
  return `${n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-GB')} ms`;
}

/** A ratio to two decimals. */
export function ratio(n: number, of: number): string {
  return of > 0 ? (n / of).toFixed(2) : '—';
}

/** Bytes as MiB. */
export function mib(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20).toLocaleString('en-GB')} MiB`;
}
