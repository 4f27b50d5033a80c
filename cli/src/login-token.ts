/**
 * `skytells login --with-token`: a token made in Settings → Tokens, read from standard input only
 * (never argv, where shell history and `ps` would keep it), checked offline before any request.
 */
import { isWellFormedToken } from '@skytells/contract';
import type { CliContext, InputStream } from './context.js';
import { cancelled, CliError, ExitCode, usageError } from './errors.js';
import type { Renderer } from './render.js';

/** More than any token; stops a mistaken `< big-file` early. */
const MAX_INPUT_BYTES = 64 * 1024;

/** Reads one line from a terminal without echoing it. Ctrl-C cancels, Ctrl-D ends the input. */
function readHiddenLine(stdin: InputStream, render: Renderer, prompt: string): Promise<string> {
  render.prompt(prompt);
  return new Promise((resolve, reject) => {
    let line = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      render.prompt('\n');
      if (error === undefined) resolve(line);
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\u0003') return finish(cancelled());
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u007f' || char === '\b') line = line.slice(0, -1);
        else if (char >= ' ') line += char;
      }
      return undefined;
    };
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

async function readAll(stdin: InputStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text.length > MAX_INPUT_BYTES) throw usageError('Standard input is far longer than a token.');
  }
  return text;
}

/**
 * The pasted token: from a hidden prompt on a terminal, else all of standard input, trimmed.
 * @throws CliError (exit 2, usage) when there is no input or it is not a well-formed token: the
 * value was given on the command's input, so it is refused like a bad flag, before any request.
 */
export async function readPastedToken(ctx: CliContext, host: string): Promise<string> {
  const { stdin } = ctx.io;
  const value = (
    stdin.isTTY === true
      ? await readHiddenLine(stdin, ctx.render, 'Paste a token from Settings → Tokens (input is hidden): ')
      : await readAll(stdin)
  ).trim();
  if (value === '') {
    throw usageError(
      'No token on standard input.',
      'Pipe one in, e.g. `skytells login --with-token < token.txt`.',
    );
  }
  // Format and checksum first: a truncated paste never reaches the server (docs/tokens.md).
  if (!isWellFormedToken(value)) {
    throw new CliError('That is not a Skytells token: the format or checksum is wrong.', {
      exitCode: ExitCode.usage,
      code: 'token_malformed',
      hint: `Copy the whole value (skt_ and 38 more characters) from Settings → Tokens on ${host}.`,
    });
  }
  return value;
}
