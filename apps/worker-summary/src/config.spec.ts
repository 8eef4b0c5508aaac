import { parseConfig } from '@mediaflow/config';
import { summaryWorkerConfigSchema } from './config';

describe('summaryWorkerConfigSchema', () => {
  it('starts with no environment: HTTP on 3006, the local providers, no vision', () => {
    const config = parseConfig(summaryWorkerConfigSchema, {});
    expect(config).toMatchObject({
      PORT: 3006,
      MEDIAFLOW_SPEECH_PROVIDER: 'local',
      MEDIAFLOW_SUMMARY_PROVIDER: 'local',
      MEDIAFLOW_SUMMARY_MODEL: 'gpt-4o-mini',
      MEDIAFLOW_SUMMARY_TIMEOUT_MS: 120_000,
      MEDIAFLOW_SUMMARY_VISION: false,
      MEDIAFLOW_MAX_INPUT_PIXELS: 100_000_000,
    });
    expect(config.MEDIAFLOW_SUMMARY_BASE_URL).toBeUndefined();
  });

  it('reads an OpenAI-compatible service', () => {
    expect(
      parseConfig(summaryWorkerConfigSchema, {
        MEDIAFLOW_SUMMARY_PROVIDER: 'openai',
        MEDIAFLOW_SUMMARY_BASE_URL: 'http://127.0.0.1:11434/v1',
        MEDIAFLOW_SUMMARY_MODEL: 'llava',
        MEDIAFLOW_SUMMARY_API_KEY: 'sk-x',
        MEDIAFLOW_SUMMARY_TIMEOUT_MS: '15000',
        MEDIAFLOW_SUMMARY_VISION: 'true',
      }),
    ).toMatchObject({
      MEDIAFLOW_SUMMARY_PROVIDER: 'openai',
      MEDIAFLOW_SUMMARY_BASE_URL: 'http://127.0.0.1:11434/v1',
      MEDIAFLOW_SUMMARY_MODEL: 'llava',
      MEDIAFLOW_SUMMARY_API_KEY: 'sk-x',
      MEDIAFLOW_SUMMARY_TIMEOUT_MS: 15_000,
      MEDIAFLOW_SUMMARY_VISION: true,
    });
  });

  it.each([
    [
      { MEDIAFLOW_SUMMARY_PROVIDER: 'gpt' },
      'MEDIAFLOW_SUMMARY_PROVIDER must be one of local, openai',
    ],
    [
      { MEDIAFLOW_SUMMARY_BASE_URL: 'ftp://x/v1' },
      'MEDIAFLOW_SUMMARY_BASE_URL must be an http:// or https:// URL',
    ],
    [{ MEDIAFLOW_SUMMARY_TIMEOUT_MS: '10' }, 'MEDIAFLOW_SUMMARY_TIMEOUT_MS must be ≥ 1000'],
    [{ MEDIAFLOW_SUMMARY_VISION: 'yes' }, 'MEDIAFLOW_SUMMARY_VISION must be true or false'],
    [{ MEDIAFLOW_SUMMARY_MODEL: ' ' }, 'MEDIAFLOW_SUMMARY_MODEL must name a model'],
    [
      { MEDIAFLOW_SUMMARY_PROVIDER: 'openai' },
      'MEDIAFLOW_SUMMARY_BASE_URL must be set when MEDIAFLOW_SUMMARY_PROVIDER is openai',
    ],
    [
      { MEDIAFLOW_SUMMARY_BASE_URL: 'https://ann:pw@llm.example/v1' },
      'MEDIAFLOW_SUMMARY_BASE_URL must not hold credentials: set MEDIAFLOW_SUMMARY_API_KEY',
    ],
    [
      { MEDIAFLOW_SPEECH_PROVIDER: 'openai' },
      'MEDIAFLOW_SPEECH_BASE_URL must be set when MEDIAFLOW_SPEECH_PROVIDER is openai',
    ],
  ])('refuses %j with one line', (env, line) => {
    expect(() => parseConfig(summaryWorkerConfigSchema, env)).toThrow(line);
  });
});
