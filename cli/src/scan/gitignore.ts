/**
 * `.gitignore` patterns (https://git-scm.com/docs/gitignore), enough of them for `skytells scan`
 * to skip what git would: comments, negation, directory-only and anchored patterns, `*`, `?`,
 * `[…]` and `**`.
 */

/** One pattern of a `.gitignore` file. */
export interface IgnoreRule {
  /** The directory of the `.gitignore`, relative to the walk's root, `''` for the root itself. */
  base: string;
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

const escapeRegex = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The regular-expression body of a glob: `*` and `?` never cross `/`; `**` spans directories. */
export function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[++i]!);
    } else if (c === '*') {
      const atSegmentStart = i === 0 || glob[i - 1] === '/';
      if (glob[i + 1] === '*' && atSegmentStart && (glob[i + 2] === '/' || i + 2 === glob.length)) {
        // `**/` matches zero or more directories; a trailing `/**` everything inside.
        out += i + 2 === glob.length ? '.*' : '(?:.*/)?';
        i += 2;
      } else {
        while (glob[i + 1] === '*') i++;
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) out += '\\[';
      else {
        let set = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        out += `[${set}]`;
        i = end;
      }
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

/** The rules of one `.gitignore` file whose directory is `base` (relative to the walk's root). */
export function parseGitignore(text: string, base: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    // Trailing spaces are ignored unless escaped with a backslash.
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.replace(/\/+$/, '');
    if (line === '') continue;
    // A slash at the start or in the middle anchors the pattern to the .gitignore's directory.
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    const body = globToRegex(line);
    rules.push({ base, negate, dirOnly, regex: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`) });
  }
  return rules;
}

/** True when the last rule matching `path` (relative to the walk's root, `/`-separated) ignores it. */
export function isIgnored(rules: readonly IgnoreRule[], path: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const rule of rules) {
    if (rule.dirOnly && !isDirectory) continue;
    let relative = path;
    if (rule.base !== '') {
      if (!path.startsWith(`${rule.base}/`)) continue;
      relative = path.slice(rule.base.length + 1);
    }
    if (rule.regex.test(relative)) ignored = !rule.negate;
  }
  return ignored;
}
