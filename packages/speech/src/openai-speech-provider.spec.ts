import { withoutCredentials } from './openai-speech-provider';

describe('withoutCredentials', () => {
  it.each([
    [
      'https://user:secret@api.example.com/v1/audio/transcriptions',
      'https://api.example.com/v1/audio/transcriptions',
    ],
    [
      'http://127.0.0.1:8000/v1/audio/transcriptions',
      'http://127.0.0.1:8000/v1/audio/transcriptions',
    ],
  ])('%s → %s', (url, shown) => expect(withoutCredentials(url)).toBe(shown));
});
