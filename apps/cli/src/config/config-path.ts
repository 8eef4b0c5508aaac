import path from 'node:path';

type Env = Record<string, string | undefined>;

/**
 * Where `mediaflow login` keeps the server and key: `$XDG_CONFIG_HOME/mediaflow/config.json`,
 * else `~/.config/mediaflow/config.json`. A relative XDG_CONFIG_HOME is ignored, as the
 * XDG Base Directory specification asks.
 */
export function configFilePath(env: Env, homeDir: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || homeDir, '.config');
  return path.join(base, 'mediaflow', 'config.json');
}
