import { type CliError, ExitCode } from './errors.js';

/** A stream the renderer writes to: `process.stdout`/`stderr`, or a test double. */
export interface OutputStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

/** Options of {@link Renderer}. */
export interface RendererOptions {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  /** `--json`: machine-readable output only; errors as JSON on stderr. */
  json?: boolean;
}

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';
const SGR: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};
const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Requests quicker than this show no spinner at all. */
const SPINNER_DELAY_MS = 150;

/** A column of {@link Renderer.table}. */
export interface Column<T> {
  header: string;
  value: (row: T) => string;
  style?: (row: T) => Style | undefined;
}

/**
 * Everything the CLI prints goes through here: results on stdout, status and errors on stderr,
 * colour only on a terminal and never with `NO_COLOR` (https://no-color.org).
 */
export class Renderer {
  readonly json: boolean;
  readonly #stdout: OutputStream;
  readonly #stderr: OutputStream;
  readonly #color: boolean;
  readonly #spin: boolean;

  constructor(options: RendererOptions) {
    this.#stdout = options.stdout;
    this.#stderr = options.stderr;
    this.json = options.json ?? false;
    const noColor = (options.env['NO_COLOR'] ?? '') !== '' || options.env['TERM'] === 'dumb';
    this.#color = !noColor && options.stderr.isTTY === true;
    this.#spin = !this.json && options.stderr.isTTY === true && options.env['TERM'] !== 'dumb';
  }

  /** `text` in `style`, when colour is on. */
  style(style: Style, text: string): string {
    if (!this.#color) return text;
    const [on, off] = SGR[style];
    return `\u001b[${on}m${text}\u001b[${off}m`;
  }

  /** True when standard output is a terminal (a person reads it, not a pipe). */
  get isStdoutTTY(): boolean {
    return this.#stdout.isTTY === true;
  }

  /** A result line on stdout. */
  out(line = ''): void {
    this.#stdout.write(`${line}\n`);
  }

  /** `value` as JSON on stdout (the whole output of a `--json` command). */
  printJson(value: unknown): void {
    this.#stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A status line on stderr; silent under `--json`. */
  info(line = ''): void {
    if (!this.json) this.#stderr.write(`${line}\n`);
  }

  /** A success line on stderr. */
  success(line: string): void {
    this.info(`${this.style('green', '✓')} ${line}`);
  }

  /** A one-line warning on stderr. */
  warn(line: string): void {
    this.info(`${this.style('yellow', '!')} ${line}`);
  }

  /**
   * A one-line warning on stderr even under `--json`, for what a script's operator must see (a token
   * about to expire); stdout stays machine-readable.
   */
  alert(line: string): void {
    this.#stderr.write(`${this.style('yellow', '!')} ${line}\n`);
  }

  /** A prompt on stderr, without a newline. */
  prompt(text: string): void {
    this.#stderr.write(text);
  }

  /** Aligned `label  value` lines on stdout (or stderr with `toStderr`). */
  fields(pairs: [string, string][], options: { indent?: number; toStderr?: boolean } = {}): void {
    const width = Math.max(...pairs.map(([label]) => label.length));
    const pad = ' '.repeat(options.indent ?? 2);
    for (const [label, value] of pairs) {
      const line = `${pad}${this.style('dim', label.padEnd(width))}  ${value}`;
      if (options.toStderr) this.info(line);
      else this.out(line);
    }
  }

  /** A table on stdout: a header and one line per row, columns padded to fit. */
  table<T>(columns: Column<T>[], rows: T[], empty: string): void {
    if (rows.length === 0) {
      this.info(empty);
      return;
    }
    const cells = rows.map((row) => columns.map((column) => column.value(row)));
    const widths = columns.map((column, i) =>
      Math.max(column.header.length, ...cells.map((line) => line[i]!.length)),
    );
    const last = columns.length - 1;
    const pad = (text: string, i: number) => (i === last ? text : text.padEnd(widths[i]!));
    this.out(columns.map((column, i) => this.style('bold', pad(column.header, i))).join('  '));
    rows.forEach((row, r) => {
      const line = columns.map((column, i) => {
        const style = column.style?.(row);
        const text = pad(cells[r]![i]!, i);
        return style === undefined ? text : this.style(style, text);
      });
      this.out(line.join('  ').trimEnd());
    });
  }

  /**
   * Shows `label` with a spinner on stderr while `work` runs, if it takes more than a moment and
   * stderr is a terminal. Resolves or rejects as `work` does.
   */
  async spin<T>(label: string, work: Promise<T>): Promise<T> {
    if (!this.#spin) return work;
    let frame = 0;
    let shown = false;
    const draw = () => {
      shown = true;
      this.#stderr.write(`\r${this.style('cyan', SPINNER_FRAMES[frame % SPINNER_FRAMES.length]!)} ${label}`);
      frame += 1;
    };
    let ticker: NodeJS.Timeout | undefined;
    const delay = setTimeout(() => {
      draw();
      ticker = setInterval(draw, 80);
    }, SPINNER_DELAY_MS);
    try {
      return await work;
    } finally {
      clearTimeout(delay);
      clearInterval(ticker);
      if (shown) this.#stderr.write('\r\u001b[2K');
    }
  }

  /** Reports an expected error: its sentence and hint, or `{error}` JSON on stderr under `--json`. */
  error(error: CliError): void {
    if (this.json) {
      const body = {
        error: {
          code: error.code,
          message: error.message,
          ...(error.hint === undefined ? {} : { hint: error.hint }),
          exit_code: error.exitCode,
        },
      };
      this.#stderr.write(`${JSON.stringify(body)}\n`);
      return;
    }
    const tag = error.exitCode === ExitCode.usage ? 'Usage error' : 'Error';
    const hint = error.hint === undefined ? '' : ` ${error.hint}`;
    this.#stderr.write(`${this.style('red', `${tag}:`)} ${error.message}${hint}\n`);
  }

  /** Reports a bug: one line, and the stack only when asked for with `SKYTELLS_DEBUG=1`. */
  unexpected(error: unknown, debug: boolean): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.json) {
      this.#stderr.write(
        `${JSON.stringify({ error: { code: 'unexpected', message, exit_code: ExitCode.error } })}\n`,
      );
      return;
    }
    this.#stderr.write(`${this.style('red', 'Unexpected error:')} ${message}\n`);
    if (debug && error instanceof Error && error.stack !== undefined) this.#stderr.write(`${error.stack}\n`);
    else this.#stderr.write('Run again with SKYTELLS_DEBUG=1 for details, and report it if it persists.\n');
  }
}
