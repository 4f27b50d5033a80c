import { lstat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readJsonFile, writeJsonFileAtomic } from './json-file.js';

/**
 * The token of `skytells login --workload`, kept for one CI job only (docs/cli.md, "In a CI job"): a
 * 0600 file in the job's temporary directory, never in the keychain or the configuration directory.
 */

/** A job's workload login on one host. */
export interface JobLogin {
  host: string;
  token: string;
  workload: { id: string; name: string };
  tokenId: string;
  masked: string;
  /** RFC 3339. */
  expiresAt: string;
}

interface JobFile {
  version: 1;
  /** The host of the job's most recent workload login. */
  default_host: string | null;
  logins: Record<
    string,
    {
      token: string;
      workload_id: string;
      workload_name: string;
      token_id: string;
      masked: string;
      expires_at: string;
    }
  >;
}

/** A job id is used as a folder name: only these characters, so it cannot climb out of the folder. */
const SAFE_JOB_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** How long before its expiry a job token is no longer used: a command started then could fail midway. */
export const JOB_TOKEN_EXPIRY_MARGIN_MS = 30_000;

/**
 * The directory a job's workload token lives in, or `undefined` outside a recognisable CI job:
 * `$RUNNER_TEMP/skytells` on GitHub Actions (a directory the runner empties after every job), else
 * `<tmpdir>/skytells-$CI_JOB_ID` (GitLab CI and others that set `CI_JOB_ID`).
 */
export function jobDirectory(
  env: Readonly<Record<string, string | undefined>>,
  tmpdir: string,
): string | undefined {
  const runnerTemp = env['RUNNER_TEMP'];
  if (runnerTemp !== undefined && runnerTemp !== '') return join(runnerTemp, 'skytells');
  const jobId = env['CI_JOB_ID'];
  if (jobId !== undefined && SAFE_JOB_ID.test(jobId) && jobId !== '.' && jobId !== '..')
    return join(tmpdir, `skytells-${jobId}`);
  return undefined;
}

/** Workload logins of one CI job, per host. */
export class JobCredentialStore {
  readonly path: string;

  constructor(directory: string) {
    this.path = join(directory, 'credentials.json');
  }

  /**
   * The file, when it is this user's own: in a temporary directory other users share, a file or
   * folder someone else made (or a link) is never read or written through.
   */
  async #read(): Promise<JobFile> {
    await this.#checkOwnership();
    const raw = (await readJsonFile(this.path)) as Partial<JobFile> | undefined;
    return { version: 1, default_host: raw?.default_host ?? null, logins: { ...raw?.logins } };
  }

  async #checkOwnership(): Promise<void> {
    const uid = process.getuid?.();
    if (uid === undefined) return;
    for (const path of [dirname(this.path), this.path]) {
      const stats = await lstat(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (stats === undefined) return;
      if (stats.isSymbolicLink() || stats.uid !== uid || (stats.mode & 0o077) !== 0) {
        throw new Error(`${path} is not private to this user (a link, another owner, or open to others)`);
      }
    }
  }

  /** The host of the job's most recent workload login. */
  async defaultHost(): Promise<string | undefined> {
    return (await this.#read()).default_host ?? undefined;
  }

  /** The job's login on `host`, expired or not; `undefined` when there is none. */
  async find(host: string): Promise<JobLogin | undefined> {
    const entry = (await this.#read()).logins[host];
    if (entry === undefined) return undefined;
    return {
      host,
      token: entry.token,
      workload: { id: entry.workload_id, name: entry.workload_name },
      tokenId: entry.token_id,
      masked: entry.masked,
      expiresAt: entry.expires_at,
    };
  }

  /** Keeps `login` for its host (replacing any before) and makes the host the job's default. */
  async save(login: JobLogin): Promise<void> {
    const file = await this.#read();
    file.logins[login.host] = {
      token: login.token,
      workload_id: login.workload.id,
      workload_name: login.workload.name,
      token_id: login.tokenId,
      masked: login.masked,
      expires_at: login.expiresAt,
    };
    file.default_host = login.host;
    await writeJsonFileAtomic(this.path, file);
  }

  /**
   * Forgets the job's login on `host`.
   * @returns the login forgotten, or `undefined` when there was none.
   */
  async remove(host: string): Promise<JobLogin | undefined> {
    const login = await this.find(host);
    if (login === undefined) return undefined;
    const file = await this.#read();
    delete file.logins[host];
    if (file.default_host === host) file.default_host = Object.keys(file.logins)[0] ?? null;
    await writeJsonFileAtomic(this.path, file);
    return login;
  }
}

/** True when `login` still has more than {@link JOB_TOKEN_EXPIRY_MARGIN_MS} to live. */
export function isJobLoginUsable(login: JobLogin, now: Date = new Date()): boolean {
  const expires = new Date(login.expiresAt).getTime();
  return Number.isFinite(expires) && expires - now.getTime() > JOB_TOKEN_EXPIRY_MARGIN_MS;
}
