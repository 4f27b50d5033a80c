import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Why the CLI will not open a browser on this machine. */
export type NoBrowserReason = 'disabled' | 'ssh' | 'container' | 'no-display';

/** The sentence for each {@link NoBrowserReason}. */
export const NO_BROWSER_REASONS: Record<NoBrowserReason, string> = {
  disabled: 'SKYTELLS_NO_BROWSER is set',
  ssh: 'this is an SSH session',
  container: 'this is a container',
  'no-display': 'there is no graphical display',
};

/**
 * Why no browser can open here, or `undefined` when one probably can: `SKYTELLS_NO_BROWSER`,
 * an SSH session, a container, or (outside macOS and Windows) no X11/Wayland display.
 */
export function noBrowserReason(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
): NoBrowserReason | undefined {
  const set = (name: string) => (env[name] ?? '') !== '';
  if (set('SKYTELLS_NO_BROWSER') && env['SKYTELLS_NO_BROWSER'] !== '0') return 'disabled';
  if (set('SSH_CONNECTION') || set('SSH_CLIENT') || set('SSH_TTY')) return 'ssh';
  if (platform === 'darwin' || platform === 'win32') return undefined;
  if (
    set('container') ||
    set('KUBERNETES_SERVICE_HOST') ||
    existsSync('/.dockerenv') ||
    existsSync('/run/.containerenv')
  ) {
    return 'container';
  }
  if (!set('DISPLAY') && !set('WAYLAND_DISPLAY')) return 'no-display';
  return undefined;
}

/** The platform's opener for `url`: `$BROWSER`, `open`, `start`, or `xdg-open`. */
function openerFor(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
): { command: string; args: string[]; verbatim?: boolean } {
  const browser = env['BROWSER'];
  if (browser !== undefined && browser !== '') return { command: browser, args: [url] };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // `start` is a cmd built-in; "" is the window title, and ^ escapes cmd's metacharacters.
  if (platform === 'win32')
    return {
      command: 'cmd',
      args: ['/d', '/s', '/c', `start "" "${url.replace(/[&^|<>]/g, '^$&')}"`],
      verbatim: true,
    };
  return { command: 'xdg-open', args: [url] };
}

/**
 * Asks the platform to open `url` in a browser. Resolves `true` when the opener started (and did
 * not fail within two seconds), `false` when there is none or it failed.
 */
export function openBrowser(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
): Promise<boolean> {
  const opener = openerFor(url, env, platform);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (opened: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(opened);
    };
    // Unref'd: the login waits on its listener anyway; this must not hold the process open after it.
    const timer = setTimeout(() => settle(true), 2000).unref();
    try {
      const child = spawn(opener.command, opener.args, {
        detached: true,
        stdio: 'ignore',
        windowsVerbatimArguments: opener.verbatim ?? false,
      });
      child.once('error', () => settle(false));
      child.once('exit', (code) => settle(code === 0));
      child.unref();
    } catch {
      settle(false);
    }
  });
}
