import type { ProviderName } from '@skytells/contract';
import type { ProviderKeyTester, ProviderKeyTestResult } from '../../core/providers/provider-key-tester.js';

/** The Anthropic API version the models call is made with. */
const ANTHROPIC_VERSION = '2023-06-01';

const LABEL: Record<ProviderName, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  openai_compatible: 'The provider',
};

/** The models call for `provider`: the URL and the headers that carry the key. */
function modelsRequest(
  provider: ProviderName,
  apiKey: string,
  baseUrl: string,
): { url: string; headers: Record<string, string> } {
  const base = baseUrl.replace(/\/+$/, '');
  if (provider === 'anthropic') {
    return {
      url: `${base}/v1/models`,
      headers: { 'x-api-key': apiKey, 'anthropic-version': ANTHROPIC_VERSION, accept: 'application/json' },
    };
  }
  return {
    url: `${base}/models`,
    headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' },
  };
}

/** How many models a models listing holds (`{data: [...]}` for both APIs), if it says. */
function countModels(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null || !('data' in body)) return undefined;
  return Array.isArray(body.data) ? body.data.length : undefined;
}

/**
 * {@link ProviderKeyTester} over `fetch`: `GET {base}/models` with `Authorization: Bearer` for OpenAI
 * and OpenAI-compatible APIs, `GET {base}/v1/models` with `x-api-key` and `anthropic-version` for
 * Anthropic; abandoned after `timeoutMs`. Redirects are not followed, so the key goes to the one URL.
 */
export class FetchProviderKeyTester implements ProviderKeyTester {
  constructor(private readonly options: { timeoutMs: number }) {}

  async test(request: {
    provider: ProviderName;
    apiKey: string;
    baseUrl: string;
  }): Promise<ProviderKeyTestResult> {
    const label = LABEL[request.provider];
    const { url, headers } = modelsRequest(request.provider, request.apiKey, request.baseUrl);
    let response: Response;
    try {
      response = await fetch(url, {
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      return {
        ok: false,
        detail: timedOut
          ? `${label} did not answer within ${Math.round(this.options.timeoutMs / 1000)} s.`
          : `${label} could not be reached (${reasonOf(error)}).`,
      };
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      return { ok: false, detail: `${label} refused the key (${response.status}).` };
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, detail: `${label} answered ${response.status}.` };
    }
    const count = countModels(await response.json().catch(() => undefined));
    return {
      ok: true,
      detail: `${label} accepted the key${count === undefined ? '' : ` (${count} model${count === 1 ? '' : 's'})`}.`,
    };
  }
}

/** A network error in words, without the URL (which may be long) or anything from the request. */
function reasonOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return cause instanceof Error ? cause.message : 'network error';
}
