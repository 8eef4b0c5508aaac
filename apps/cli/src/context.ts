import { Mediaflow } from '@mediaflow/sdk';
import { homedir } from 'node:os';
import { readConfigFile } from './config/config-file';
import { configFilePath } from './config/config-path';
import { resolveConfig, type ResolvedConfig } from './config/resolve-config';
import { Output, type Streams } from './output/output';

/** What every command reaches the world through: the environment, the streams, the API. */
export class CliContext {
  constructor(
    readonly env: Record<string, string | undefined>,
    readonly streams: Streams,
    private readonly homeDir: string = homedir(),
  ) {}

  get configPath(): string {
    return configFilePath(this.env, this.homeDir);
  }

  config(): ResolvedConfig {
    return resolveConfig(this.env, readConfigFile(this.configPath), this.configPath);
  }

  /** The SDK client for the configured server; a usage error when none is configured. */
  client(): Mediaflow {
    const { url, apiKey } = this.config();
    return new Mediaflow({ baseUrl: url, apiKey });
  }

  output(json: boolean | undefined): Output {
    return new Output(this.streams, json === true, this.env);
  }
}
