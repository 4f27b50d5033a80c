import { ApiClient } from './api-client.js';
import { configDirectory, CredentialStore, type HostLogin } from './credential-store.js';
import { relativeTime } from './format.js';
import { jobDirectory, JobCredentialStore } from './job-credentials.js';
import type { AuthSituation } from './errors.js';
import { loginCommandFor, type ResolvedHost, resolveHost } from './hosts.js';
import { type OutputStream, Renderer } from './render.js';

/** The input side of the terminal: `process.stdin` or a test double. */
export interface InputStream extends AsyncIterable<Buffer | string> {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** What the composition root hands every command: the process, passed in rather than reached for. */
export interface CliProcess {
  env: Readonly<Record<string, string | undefined>>;
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  cwd: string;
  home: string;
  /** The system's temporary directory (`os.tmpdir()`). */
  tmpdir: string;
  platform: NodeJS.Platform;
  /** The CLI's version, for `--version` and the User-Agent. */
  version: string;
  /** Aborted when the user presses Ctrl-C. */
  signal: AbortSignal;
}

/** "Warning: this token expires on 2027-01-02 (in 3 days). <fix>" */
export function expiryWarning(expiresAt: string, fix: string, now: Date = new Date()): string {
  const time = new Date(expiresAt);
  const day = Number.isNaN(time.getTime()) ? expiresAt : time.toISOString().slice(0, 10);
  return `Warning: this token expires on ${day} (${relativeTime(expiresAt, now)}). ${fix}`;
}

/**
 * What to do about a token that expires soon: rotate it, by its id when the CLI knows it; a token
 * `skytells login` obtained through OAuth is replaced by logging in again.
 */
function fixFor(
  resolved: ResolvedHost,
  tokenSource: AuthSituation['tokenSource'],
  login: HostLogin | undefined,
): string {
  if (tokenSource === 'workload') return 'Run `skytells login --workload NAME` again.';
  if (tokenSource === 'env')
    return 'Rotate it: skytells tokens rotate ID (its ID is in `skytells auth status`), then replace SKYTELLS_TOKEN.';
  if (login?.obtainedBy === 'oauth') return `Run \`${loginCommandFor(resolved)}\` for a new one.`;
  if (login !== undefined) return `Rotate it: skytells tokens rotate ${login.tokenId}`;
  return `Run \`${loginCommandFor(resolved)}\` for a new one.`;
}

/** Options every command shares. */
export interface CommonOptions {
  /** `--host`: a global option. */
  host?: string;
  json?: boolean;
}

/** A command's view of the world: the process, the renderer, the credential store. */
export class CliContext {
  readonly io: CliProcess;
  readonly render: Renderer;
  readonly store: CredentialStore;
  readonly #hostFlag: string | undefined;
  #jobStore: JobCredentialStore | null | undefined;

  constructor(io: CliProcess, options: CommonOptions) {
    this.io = io;
    this.render = new Renderer({
      stdout: io.stdout,
      stderr: io.stderr,
      env: io.env,
      json: options.json ?? false,
    });
    this.#hostFlag = options.host;
    this.store = new CredentialStore(configDirectory(io.env, io.home), async () => {
      const { systemKeyring } = await import('./keyring-backend.js');
      return systemKeyring({ platform: io.platform, env: io.env });
    });
  }

  get env(): Readonly<Record<string, string | undefined>> {
    return this.io.env;
  }

  get signal(): AbortSignal {
    return this.io.signal;
  }

  /** `SKYTELLS_TOKEN`, trimmed, when set and not empty. */
  get envToken(): string | undefined {
    const value = this.env['SKYTELLS_TOKEN']?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  /**
   * Where a workload login keeps this CI job's token (docs/cli.md, "In a CI job"), or `undefined`
   * outside a job the CLI can recognise.
   */
  get jobStore(): JobCredentialStore | undefined {
    if (this.#jobStore === undefined) {
      const directory = jobDirectory(this.env, this.io.tmpdir);
      this.#jobStore = directory === undefined ? null : new JobCredentialStore(directory);
    }
    return this.#jobStore ?? undefined;
  }

  /** `User-Agent` of every request. */
  get userAgent(): string {
    return `skytells-cli/${this.io.version} (${this.io.platform})`;
  }

  /**
   * The host this command talks to: `--host` > `SKYTELLS_HOST` > the last workload login of this CI
   * job > the last login > the default.
   */
  async host(): Promise<ResolvedHost> {
    if (this.#hostFlag || this.env['SKYTELLS_HOST'])
      return resolveHost(this.#hostFlag, this.env['SKYTELLS_HOST']);
    // A job file that cannot be read is reported by the command that needs its token.
    const fromJob = await this.jobStore?.defaultHost().catch(() => undefined);
    return resolveHost(undefined, undefined, fromJob ?? (await this.store.defaultHost()));
  }

  /**
   * An API client for `host`, sending `token` if given. It warns once, on stderr, when the server
   * says the token expires within 7 days (docs/cli.md, "Expiry warning"), unless the command reports
   * expiry itself (`warnOnExpiry: false`). `login` is the stored login the token comes from, if any;
   * `loginCommand` the command that gets a new token, when not `skytells login`.
   */
  api(
    resolved: ResolvedHost,
    token: string | undefined,
    tokenSource: AuthSituation['tokenSource'],
    options: { warnOnExpiry?: boolean; login?: HostLogin; loginCommand?: string } = {},
  ): ApiClient {
    const warn = options.warnOnExpiry ?? true;
    return new ApiClient({
      host: resolved.host,
      ...(token === undefined ? {} : { token }),
      situation: {
        host: resolved.host,
        tokenSource,
        loginCommand: options.loginCommand ?? loginCommandFor(resolved),
      },
      userAgent: this.userAgent,
      signal: this.signal,
      onTokenExpiring: (expiresAt) => {
        if (!warn) return;
        this.render.alert(expiryWarning(expiresAt, fixFor(resolved, tokenSource, options.login)));
      },
    });
  }
}
