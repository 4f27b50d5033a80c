import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError, ExitCode } from './errors.js';
import { Renderer } from './render.js';

function streams(isTTY: boolean) {
  const out = { text: '', isTTY, write: (chunk: string) => ((out.text += chunk), true) };
  const err = { text: '', isTTY, write: (chunk: string) => ((err.text += chunk), true) };
  return { out, err };
}

const ESC = '\u001b[';

afterEach(() => {
  vi.useRealTimers();
});

describe('Renderer', () => {
  it('colours a terminal, but never with NO_COLOR set nor into a pipe', () => {
    const tty = streams(true);
    new Renderer({ stdout: tty.out, stderr: tty.err, env: {} }).warn('careful');
    expect(tty.err.text).toContain(ESC);

    const noColor = streams(true);
    new Renderer({ stdout: noColor.out, stderr: noColor.err, env: { NO_COLOR: '1' } }).warn('careful');
    expect(noColor.err.text).toBe('! careful\n');

    const pipe = streams(false);
    new Renderer({ stdout: pipe.out, stderr: pipe.err, env: {} }).warn('careful');
    expect(pipe.err.text).toBe('! careful\n');
  });

  it('keeps an alert on stderr under --json, uncoloured with NO_COLOR, and leaves stdout alone', () => {
    const tty = streams(true);
    const render = new Renderer({ stdout: tty.out, stderr: tty.err, env: {}, json: true });
    render.warn('dropped under --json');
    render.alert('this token expires soon');
    expect(tty.err.text).toContain(ESC);
    expect(tty.err.text).toContain('this token expires soon');
    expect(tty.err.text).not.toContain('dropped');
    expect(tty.out.text).toBe('');

    const noColor = streams(true);
    new Renderer({ stdout: noColor.out, stderr: noColor.err, env: { NO_COLOR: '1' }, json: true }).alert(
      'this token expires soon',
    );
    expect(noColor.err.text).toBe('! this token expires soon\n');
  });

  it('prints an error as one sentence and its fix, or as JSON under --json, never a stack', () => {
    const error = new CliError('This token was revoked.', {
      exitCode: ExitCode.auth,
      hint: 'Run `skytells login`.',
      code: 'token_revoked',
    });
    const human = streams(false);
    new Renderer({ stdout: human.out, stderr: human.err, env: {} }).error(error);
    expect(human.err.text).toBe('Error: This token was revoked. Run `skytells login`.\n');

    const json = streams(false);
    new Renderer({ stdout: json.out, stderr: json.err, env: {}, json: true }).error(error);
    expect(JSON.parse(json.err.text)).toEqual({
      error: {
        code: 'token_revoked',
        message: 'This token was revoked.',
        hint: 'Run `skytells login`.',
        exit_code: 4,
      },
    });
    expect(json.out.text).toBe('');
  });

  it('shows a spinner on a terminal only while a request takes more than a moment, then clears it', async () => {
    vi.useFakeTimers();
    const tty = streams(true);
    const render = new Renderer({ stdout: tty.out, stderr: tty.err, env: { NO_COLOR: '1' } });

    const quick = render.spin('Loading…', Promise.resolve(1));
    await expect(quick).resolves.toBe(1);
    expect(tty.err.text).toBe('');

    let finish: (value: number) => void = () => undefined;
    const slow = render.spin('Loading…', new Promise<number>((resolve) => (finish = resolve)));
    await vi.advanceTimersByTimeAsync(400);
    expect(tty.err.text).toContain('Loading…');
    finish(2);
    await expect(slow).resolves.toBe(2);
    expect(tty.err.text.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('shows no spinner into a pipe or under --json', async () => {
    vi.useFakeTimers();
    const pipe = streams(false);
    const render = new Renderer({ stdout: pipe.out, stderr: pipe.err, env: {} });
    let finish: () => void = () => undefined;
    const slow = render.spin('Loading…', new Promise<void>((resolve) => (finish = resolve)));
    await vi.advanceTimersByTimeAsync(1000);
    finish();
    await slow;
    expect(pipe.err.text).toBe('');
  });

  it('aligns table columns and says so when there are no rows', () => {
    const pipe = streams(false);
    const render = new Renderer({ stdout: pipe.out, stderr: pipe.err, env: {} });
    const columns = [
      { header: 'ID', value: (row: { id: string; name: string }) => row.id },
      { header: 'NAME', value: (row: { id: string; name: string }) => row.name },
    ];
    render.table(
      columns,
      [
        { id: 'tok_1', name: 'ci' },
        { id: 'tok_22', name: 'laptop' },
      ],
      'No tokens.',
    );
    expect(pipe.out.text).toBe('ID      NAME\ntok_1   ci\ntok_22  laptop\n');
    render.table(columns, [], 'No tokens.');
    expect(pipe.err.text).toBe('No tokens.\n');
  });
});
