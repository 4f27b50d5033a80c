import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { ExitCode, usageError } from '../errors.js';
import { filesUnder } from '../scan/find-files.js';
import { type Finding, findingsIn, scanFile } from '../scan/scanner.js';
import { stagedAdditions } from '../scan/staged.js';

/** Options of `skytells scan`. */
export interface ScanOptions {
  staged?: boolean;
  revoke?: boolean;
  json?: boolean;
}

/** The most values `POST /v1/credentials/revoke` takes at once (docs/api.md). */
const REVOKE_BATCH = 1000;

async function scanPaths(ctx: CliContext, paths: string[]): Promise<{ findings: Finding[]; files: number }> {
  const { cwd } = ctx.io;
  const findings: Finding[] = [];
  let files = 0;
  const shown = (path: string) => relative(cwd, path) || path;
  for (const path of paths.length === 0 ? ['.'] : paths) {
    const absolute = resolve(cwd, path);
    const info = await stat(absolute).catch(() => undefined);
    if (info === undefined) throw usageError(`No such file or directory: ${path}`);
    // A file named on the command line is scanned even if .gitignore ignores it.
    const candidates = info.isDirectory() ? filesUnder(absolute) : [absolute];
    for await (const file of candidates) {
      const found = await scanFile(file, shown(file));
      if (found === undefined) continue;
      files += 1;
      findings.push(...found);
    }
  }
  return { findings, files };
}

async function scanStaged(ctx: CliContext): Promise<{ findings: Finding[]; files: number }> {
  const additions = await stagedAdditions(ctx.io.cwd);
  const findings = additions.flatMap(({ file, lines }) =>
    lines.flatMap(({ line, text }) => findingsIn(text, file, line)),
  );
  return { findings, files: additions.length };
}

/** Revokes every distinct found value through the unauthenticated leak endpoint. */
async function revokeFound(ctx: CliContext, findings: Finding[]): Promise<{ host: string; revoked: number }> {
  const resolved = await ctx.host();
  const api = ctx.api(resolved, undefined, 'none');
  const values = [...new Set(findings.map((finding) => finding.value))];
  let revoked = 0;
  for (let i = 0; i < values.length; i += REVOKE_BATCH) {
    const batch = values.slice(i, i + REVOKE_BATCH);
    const result = await ctx.render.spin(
      `Revoking ${values.length} token(s) on ${resolved.host}…`,
      api.call('revokeLeakedCredentials', { body: { credentials: batch } }),
    );
    revoked += result.revoked;
  }
  return { host: resolved.host, revoked };
}

/** `n` and `noun`, plural unless `n` is 1: "1 file", "3 files". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * What was found and where, e.g. "Found 1 Skytells token in 1 file (3 files scanned)." — the
 * token count is of distinct values, the file count of files holding one, then what was scanned.
 */
export function summary(findings: Finding[], filesScanned: number, staged: boolean): string {
  const tokens = new Set(findings.map((finding) => finding.value)).size;
  const holding = new Set(findings.map((finding) => finding.file)).size;
  const places = findings.length > tokens ? ` at ${findings.length} places` : '';
  const scanned = `${count(filesScanned, 'file')} ${staged ? 'with staged changes ' : ''}scanned`;
  return `Found ${count(tokens, 'Skytells token')}${places} in ${count(holding, 'file')} (${scanned}).`;
}

/**
 * `skytells scan [PATH...] [--staged] [--revoke]`: finds checksum-valid `skt_` tokens and prints
 * where, with the masked id only. Exit 1 when any is found, so it works as a pre-commit hook.
 */
export async function scan(ctx: CliContext, paths: string[], options: ScanOptions): Promise<number> {
  const { render } = ctx;
  if (options.staged === true && paths.length > 0)
    throw usageError('--staged scans what the next commit adds; it takes no PATH.');
  const { findings, files } = options.staged === true ? await scanStaged(ctx) : await scanPaths(ctx, paths);
  const revocation =
    options.revoke === true && findings.length > 0 ? await revokeFound(ctx, findings) : undefined;

  if (options.json === true) {
    render.printJson({
      findings: findings.map(({ file, line, column, masked }) => ({ file, line, column, masked })),
      files_scanned: files,
      revoked: revocation?.revoked ?? null,
    });
  } else {
    for (const finding of findings) {
      render.out(`${finding.file}:${finding.line}:${finding.column}  ${finding.masked}`);
    }
    if (findings.length === 0) {
      const where = options.staged === true ? 'the staged changes' : count(files, 'file');
      render.success(`No Skytells tokens in ${where}.`);
    } else {
      const distinct = new Set(findings.map((finding) => finding.value)).size;
      const them = distinct === 1 ? 'it' : 'them';
      const inOneFile = new Set(findings.map((finding) => finding.file)).size === 1;
      render.info(
        `${render.style('red', '✗')} ${summary(findings, files, options.staged === true)} ` +
          `Remove ${them} from the ${inOneFile ? 'file' : 'files'}; anyone who has seen ${them} can use ${them}.`,
      );
      if (revocation !== undefined) {
        render.success(
          `Revoked ${revocation.revoked} of ${distinct} on ${revocation.host}` +
            (revocation.revoked < distinct
              ? ' (the others were already dead or belong to another server).'
              : '.'),
        );
      } else {
        render.info(
          `Run the scan again with --revoke to revoke ${them} now, or revoke ${them} in Settings → Tokens.`,
        );
      }
    }
  }
  return findings.length > 0 ? ExitCode.error : ExitCode.ok;
}
