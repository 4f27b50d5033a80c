import { open, stat } from 'node:fs/promises';
import { findApiKeys, findTokens, maskApiKey, maskToken } from '@skytells/contract';

/** A token or API key found by `skytells scan`. The value stays in memory for `--revoke`; it is never printed. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  masked: string;
  value: string;
}

/** Files above this size are skipped: tokens live in source and configuration, not in media. */
export const MAX_SCANNED_BYTES = 10 * 1024 * 1024;

/**
 * Well-formed, checksum-verified tokens (`skt_`) and API keys (`sk_live_`) in `text` (look-alikes
 * ignored), in order, with 1-based positions.
 */
export function findingsIn(text: string, file: string, firstLine = 1): Finding[] {
  const found = [
    ...findTokens(text).map((hit) => ({ ...hit, masked: maskToken(hit.value) })),
    ...findApiKeys(text).map((hit) => ({ ...hit, masked: maskApiKey(hit.value) })),
  ].sort((a, b) => a.index - b.index);
  if (found.length === 0) return [];
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return found.map(({ value, index, masked }) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= index) low = mid;
      else high = mid - 1;
    }
    return {
      file,
      line: firstLine + low,
      column: index - lineStarts[low]! + 1,
      masked,
      value,
    };
  });
}

/**
 * The findings in one file, or `undefined` when it was skipped: too large, unreadable, or binary
 * (a NUL byte in its first 8 KiB).
 */
export async function scanFile(path: string, shownAs: string): Promise<Finding[] | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_SCANNED_BYTES) return undefined;
    const handle = await open(path, 'r');
    let buffer: Buffer;
    try {
      buffer = await handle.readFile();
    } finally {
      await handle.close();
    }
    if (buffer.subarray(0, 8192).includes(0)) return undefined;
    return findingsIn(buffer.toString('utf8'), shownAs);
  } catch {
    return undefined;
  }
}
