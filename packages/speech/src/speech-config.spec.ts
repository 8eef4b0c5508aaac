import { z } from 'zod';
import { LocalSpeechProvider } from './local-speech-provider';
import { OpenAiSpeechProvider } from './openai-speech-provider';
import { checkSpeechEnv, speechConfigSchema, speechEnv, speechProviderFrom } from './speech-config';

function parse(env: Record<string, string>) {
  return speechConfigSchema.parse(env);
}

describe('speechEnv', () => {
  it('works out of the box: the local provider on Debian’s en-us model', () => {
    const config = parse({});
    expect(config).toEqual({
      MEDIAFLOW_SPEECH_PROVIDER: 'local',
      MEDIAFLOW_SPEECH_MODEL: 'whisper-1',
      MEDIAFLOW_SPEECH_TIMEOUT_MS: 300_000,
      MEDIAFLOW_SPEECH_LOCAL_HMM: '/usr/share/pocketsphinx/model/en-us/en-us',
      MEDIAFLOW_SPEECH_LOCAL_LM: '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin',
      MEDIAFLOW_SPEECH_LOCAL_DICT: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
      MEDIAFLOW_SPEECH_LOCAL_LANGUAGE: 'en',
      POCKETSPHINX_BATCH_PATH: 'pocketsphinx_batch',
    });
    expect(speechProviderFrom(config)).toBeInstanceOf(LocalSpeechProvider);
    expect(speechProviderFrom(config).name).toBe('local (pocketsphinx en-us)');
  });

  it('makes an openai provider of a base URL, model and key', () => {
    const config = parse({
      MEDIAFLOW_SPEECH_PROVIDER: 'openai',
      MEDIAFLOW_SPEECH_BASE_URL: 'http://127.0.0.1:8000/v1',
      MEDIAFLOW_SPEECH_MODEL: 'Systran/faster-whisper-small',
      MEDIAFLOW_SPEECH_API_KEY: 'sk-test',
      MEDIAFLOW_SPEECH_TIMEOUT_MS: '5000',
    });
    expect(config.MEDIAFLOW_SPEECH_TIMEOUT_MS).toBe(5000);
    const provider = speechProviderFrom(config);
    expect(provider).toBeInstanceOf(OpenAiSpeechProvider);
    expect(provider.name).toBe('openai (Systran/faster-whisper-small)');
  });

  it.each([
    [
      { MEDIAFLOW_SPEECH_PROVIDER: 'openai' },
      ['MEDIAFLOW_SPEECH_BASE_URL'],
      'must be set when MEDIAFLOW_SPEECH_PROVIDER is openai',
    ],
    [
      { MEDIAFLOW_SPEECH_PROVIDER: 'whisper' },
      ['MEDIAFLOW_SPEECH_PROVIDER'],
      'must be one of local, openai',
    ],
    [
      { MEDIAFLOW_SPEECH_BASE_URL: 'ftp://x' },
      ['MEDIAFLOW_SPEECH_BASE_URL'],
      'must be an http:// or https:// URL',
    ],
    [
      { MEDIAFLOW_SPEECH_BASE_URL: 'https://me:sk@api.example.com/v1' },
      ['MEDIAFLOW_SPEECH_BASE_URL'],
      'must not hold credentials',
    ],
    [{ MEDIAFLOW_SPEECH_TIMEOUT_MS: '10' }, ['MEDIAFLOW_SPEECH_TIMEOUT_MS'], 'must be ≥ 1000'],
    [
      { MEDIAFLOW_SPEECH_LOCAL_LANGUAGE: 'english' },
      ['MEDIAFLOW_SPEECH_LOCAL_LANGUAGE'],
      'two-letter',
    ],
  ])('refuses %j', (env, path, message) => {
    const result = speechConfigSchema.safeParse(env);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path });
    expect(result.error!.issues[0]!.message).toContain(message);
  });

  it('spreads into a larger schema and is checked there', () => {
    const schema = z
      .object({ PORT: z.coerce.number().default(3005), ...speechEnv })
      .superRefine(checkSpeechEnv);
    expect(schema.parse({}).PORT).toBe(3005);
    expect(schema.safeParse({ MEDIAFLOW_SPEECH_PROVIDER: 'openai' }).success).toBe(false);
  });
});
