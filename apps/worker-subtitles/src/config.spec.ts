import { parseConfig } from '@mediaflow/config';
import { subtitlesWorkerConfigSchema } from './config';

describe('subtitlesWorkerConfigSchema', () => {
  it('starts with no environment: HTTP on 3005, the local speech provider', () => {
    expect(parseConfig(subtitlesWorkerConfigSchema, {})).toMatchObject({
      PORT: 3005,
      MEDIAFLOW_SPEECH_PROVIDER: 'local',
      MEDIAFLOW_SPEECH_MODEL: 'whisper-1',
    });
  });

  it('reads an openai provider and refuses one with nowhere to call, in one line', () => {
    expect(
      parseConfig(subtitlesWorkerConfigSchema, {
        MEDIAFLOW_SPEECH_PROVIDER: 'openai',
        MEDIAFLOW_SPEECH_BASE_URL: 'https://api.openai.com/v1',
        MEDIAFLOW_SPEECH_API_KEY: 'sk-x',
      }),
    ).toMatchObject({
      MEDIAFLOW_SPEECH_PROVIDER: 'openai',
      MEDIAFLOW_SPEECH_BASE_URL: 'https://api.openai.com/v1',
    });
    expect(() =>
      parseConfig(subtitlesWorkerConfigSchema, { MEDIAFLOW_SPEECH_PROVIDER: 'openai' }),
    ).toThrow(
      'Invalid configuration: MEDIAFLOW_SPEECH_BASE_URL must be set when MEDIAFLOW_SPEECH_PROVIDER is openai',
    );
  });
});
