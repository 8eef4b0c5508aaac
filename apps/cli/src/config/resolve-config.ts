import { UsageError } from '../cli-errors';

type Env = Record<string, string | undefined>;

/** What `mediaflow login` writes (snake_case, as the API's own objects). */
export interface StoredConfig {
  url?: string;
  api_key?: string;
}

/** Where each setting in effect came from, for `mediaflow login` and error messages. */
export type SettingSource = 'MEDIAFLOW_URL' | 'MEDIAFLOW_API_KEY' | 'config';

export interface ResolvedConfig {
  url: string;
  apiKey: string;
  sources: { url: SettingSource; apiKey: SettingSource };
}

const LOGIN_HINT =
  'run `mediaflow login --url <server> --key <api key>`, or set MEDIAFLOW_URL and MEDIAFLOW_API_KEY';

/**
 * The server and key a command uses: each from its environment variable when
 * set (so CI needs no config file), else from the config file.
 */
export function resolveConfig(
  env: Env,
  stored: StoredConfig | undefined,
  configPath: string,
): ResolvedConfig {
  const url = env.MEDIAFLOW_URL || stored?.url;
  const apiKey = env.MEDIAFLOW_API_KEY || stored?.api_key;
  const missing = [!url && 'no server URL', !apiKey && 'no API key'].filter(Boolean);
  if (!url || !apiKey) {
    throw new UsageError(
      `${missing.join(' and ')} configured (looked in MEDIAFLOW_URL, MEDIAFLOW_API_KEY and ${configPath}): ${LOGIN_HINT}`,
    );
  }
  return {
    url: normaliseServerUrl(url, env.MEDIAFLOW_URL ? 'MEDIAFLOW_URL' : configPath),
    apiKey,
    sources: {
      url: env.MEDIAFLOW_URL ? 'MEDIAFLOW_URL' : 'config',
      apiKey: env.MEDIAFLOW_API_KEY ? 'MEDIAFLOW_API_KEY' : 'config',
    },
  };
}

/** An http(s) URL without a trailing slash; `from` names where it was read, for the error. */
export function normaliseServerUrl(value: string, from: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new UsageError(`${from}: "${value}" is not a URL (e.g. http://localhost:3000)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`${from}: "${value}" is not an http or https URL`);
  }
  if (parsed.search || parsed.hash) {
    throw new UsageError(`${from}: "${value}" must not have a query or a fragment`);
  }
  return parsed.toString().replace(/\/+$/, '');
}

/** The config file's text, checked: a file someone edited into nonsense is a clear error. */
export function parseStoredConfig(text: string, configPath: string): StoredConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${configPath} is not JSON: ${LOGIN_HINT} to write it again`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${configPath} must hold a JSON object: ${LOGIN_HINT} to write it again`);
  }
  const record = value as Record<string, unknown>;
  const config: StoredConfig = {};
  for (const key of ['url', 'api_key'] as const) {
    if (record[key] === undefined) continue;
    if (typeof record[key] !== 'string') {
      throw new UsageError(`${configPath}: "${key}" must be a string`);
    }
    config[key] = record[key];
  }
  return config;
}
