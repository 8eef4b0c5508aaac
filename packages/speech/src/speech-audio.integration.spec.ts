import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MediaflowError } from '@mediaflow/contracts';
import { createTestAudio, createTestVideo } from '@mediaflow/testing';
import { readSpeechAudio } from './audio-levels';
import { extractSpeechAudio } from './speech-audio';

describe('extractSpeechAudio (real ffmpeg)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'speech-audio-'));
  const never = new AbortController().signal;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the recognisers’ WAV of a video’s stereo 48 kHz sound, with progress in seconds', async () => {
    const video = path.join(dir, 'clip.mp4');
    await createTestVideo(video, { seconds: 2, outputArgs: ['-ac', '2', '-ar', '48000'] });
    const wav = path.join(dir, 'clip.wav');
    const seconds: number[] = [];
    await extractSpeechAudio(video, wav, {
      signal: never,
      timeoutMs: 60_000,
      onProgress: (s) => seconds.push(s),
    });
    const audio = await readSpeechAudio(wav);
    expect(audio.layout).toMatchObject({
      sampleRate: 16_000,
      channels: 1,
      bitsPerSample: 16,
      dataOffset: 44,
    });
    expect(audio.sampleCount / 16_000).toBeCloseTo(2, 1);
    expect(seconds.length).toBeGreaterThan(0);
  });

  it('takes audio files as they are', async () => {
    const mp3 = path.join(dir, 'tone.mp3');
    await createTestAudio(mp3, { seconds: 1 });
    const wav = path.join(dir, 'tone.wav');
    await extractSpeechAudio(mp3, wav, { signal: never, timeoutMs: 60_000 });
    expect((await readSpeechAudio(wav)).sampleCount / 16_000).toBeCloseTo(1, 1);
  });

  it('fails no_audio_stream on a video without sound', async () => {
    const silent = path.join(dir, 'silent.mp4');
    await createTestVideo(silent, { seconds: 1, audio: false });
    const error = await extractSpeechAudio(silent, path.join(dir, 'none.wav'), {
      signal: never,
      timeoutMs: 60_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaflowError);
    expect(error).toMatchObject({
      code: 'no_audio_stream',
      message: 'The input has no audio stream to transcribe',
    });
  });

  it('passes on ffmpeg’s other failures as they are', async () => {
    await expect(
      extractSpeechAudio(path.join(dir, 'missing.mp4'), path.join(dir, 'x.wav'), {
        signal: never,
        timeoutMs: 60_000,
      }),
    ).rejects.toMatchObject({ code: 'input_unreadable' });
  });
});
