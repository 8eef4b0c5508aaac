import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSpeechMedia, createTestVideo } from '@mediaflow/testing';
import { LocalSpeechProvider } from './local-speech-provider';
import { transcribeMedia } from './transcribe-media';
import { normaliseWords } from './word-error-rate';

const SPOKEN =
  'Hello world. This is a test. The weather is nice today and we are going to the park. One two three four five six seven eight nine ten.';

describe('transcribeMedia (espeak-ng speech in a video, real pocketsphinx)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'speech-media-'));
  const provider = new LocalSpeechProvider();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hears most of the words, at times inside the video, in order, with progress to 100', async () => {
    const video = path.join(dir, 'speech.mp4');
    const duration = await createSpeechMedia(video, SPOKEN, { leadSeconds: 1 });
    const progress: number[] = [];
    const transcript = await transcribeMedia(video, dir, provider, {
      language: 'en',
      signal: new AbortController().signal,
      duration,
      onProgress: (p) => progress.push(p),
    });

    expect(transcript.provider).toBe('local (pocketsphinx en-us)');
    expect(transcript.language).toBe('en');
    const heard = new Set(normaliseWords(transcript.text));
    const said = normaliseWords(SPOKEN);
    const found = said.filter((word) => heard.has(word));
    // Measured: 21 of the 28 words (espeak-ng's voice is far from the model's speakers).
    expect(found.length / said.length).toBeGreaterThanOrEqual(0.6);

    const words = transcript.segments.flatMap((s) => s.words);
    // Nothing before the second of silence the speech starts after.
    expect(words[0]!.start).toBeGreaterThanOrEqual(0.9);
    let previousEnd = 0;
    for (const word of words) {
      expect(word.start).toBeGreaterThanOrEqual(previousEnd);
      expect(word.end).toBeGreaterThanOrEqual(word.start);
      previousEnd = word.end;
    }
    expect(previousEnd).toBeLessThanOrEqual(duration);

    expect(progress[0]).toBe(0);
    expect(progress).toContain(10);
    expect(progress[progress.length - 1]).toBe(100);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]!);
  });

  it('fails no_audio_stream on a video without sound', async () => {
    const silent = path.join(dir, 'silent.mp4');
    await createTestVideo(silent, { seconds: 1, audio: false });
    await expect(
      transcribeMedia(silent, dir, provider, {
        language: 'en',
        signal: new AbortController().signal,
      }),
    ).rejects.toMatchObject({ code: 'no_audio_stream' });
  });
});
