import { TASK_KINDS, taskTimeBudget, type TaskKind } from './index';
import { trimmedSeconds } from './time-budget';

const video = (duration: number) => ({ kind: 'video' as const, duration });
const audio = (duration: number | null) => ({ kind: 'audio' as const, duration });

describe('taskTimeBudget', () => {
  type Case = [
    string,
    TaskKind,
    Record<string, unknown>,
    { kind: 'video' | 'audio' | 'image' | 'track'; duration?: number | null },
    number,
  ];
  it.each<Case>([
    // video: 180 s + seconds encoded × the codec's factor.
    ['video: the floor for a clip of nothing', 'video', {}, video(0), 180],
    ['video: 10 min to H.264', 'video', {}, video(600), 180 + 600 * 0.9],
    ['video: webm is VP9 by default', 'video', { format: 'webm' }, video(600), 180 + 600 * 6],
    ['video: H.265', 'video', { codec: 'h265' }, video(600), 180 + 600 * 5],
    ['video: AV1', 'video', { codec: 'av1', format: 'mkv' }, video(600), 180 + 600 * 5],
    [
      'video: only the trimmed minute counts',
      'video',
      { start: 30, end: 90 },
      video(36_000),
      180 + 60 * 0.9,
    ],
    [
      'video: a trim past the end counts what is there',
      'video',
      { start: 590, end: 900 },
      video(600),
      180 + 10 * 0.9,
    ],
    // audio: 180 s + 0.08 s a second, 0.4 s normalised.
    ['audio: 10 h to MP3', 'audio', {}, audio(36_000), 180 + 36_000 * 0.08],
    ['audio: 1 h normalised', 'audio', { normalize: true }, audio(3600), 180 + 3600 * 0.4],
    ['audio: the sound of a video, trimmed', 'audio', { end: 100 }, video(3600), 180 + 100 * 0.08],
    // thumbnails: one pass over short slices, else a seek a frame.
    ['thumbnails: 20 frames of 2 min in one pass', 'thumbnails', {}, video(120), 180 + 120],
    ['thumbnails: 20 frames of 10 h by seeking', 'thumbnails', {}, video(36_000), 180 + 20 * 2.5],
    [
      'thumbnails: a frame a second of 10 h: 400 seeks at most',
      'thumbnails',
      { interval: 1 },
      video(36_000),
      180 + 400 * 2.5,
    ],
    [
      'thumbnails: 400 frames of 53 min in one pass',
      'thumbnails',
      { count: 400 },
      video(3199),
      180 + 3199,
    ],
    // image: the floor, whatever the input.
    ['image: an image', 'image', { width: 320 }, { kind: 'image', duration: null }, 240],
    ['image: a frame of a 10 h video', 'image', {}, video(36_000), 240],
    // nsfw: a seek a sampled frame of a video.
    ['nsfw: an image', 'nsfw', {}, { kind: 'image' }, 180],
    ['nsfw: 8 frames of a video', 'nsfw', {}, video(36_000), 180 + 8 * 3],
    ['nsfw: 32 frames', 'nsfw', { frames: 32 }, video(60), 180 + 32 * 3],
    // speech and subtitles transcribe: 0.75 s a second.
    ['speech: 1 h', 'speech', {}, audio(3600), 180 + 3600 * 0.75],
    ['subtitles: 1 h', 'subtitles', { format: 'srt' }, video(3600), 180 + 3600 * 0.75],
    // summary: 240 s, plus a transcription of video and audio.
    ['summary: 1 h of video', 'summary', {}, video(3600), 240 + 3600 * 0.75],
    ['summary: a track', 'summary', {}, { kind: 'track', duration: 3600 }, 240],
    ['summary: an image', 'summary', {}, { kind: 'image', duration: null }, 240],
  ])('%s', (_name, kind, options, input, seconds) => {
    expect(taskTimeBudget(kind, options, input)?.seconds).toBe(seconds);
  });

  it('counts whole seconds, rounded up', () => {
    expect(taskTimeBudget('audio', {}, audio(10.01))).toEqual({ seconds: 181, floorSeconds: 180 });
  });

  it.each<TaskKind>(['video', 'audio', 'thumbnails', 'speech', 'subtitles'])(
    'has none for %s on media of unknown length: the worker’s own limit applies',
    (kind) => {
      expect(taskTimeBudget(kind, {}, audio(null))).toBeNull();
    },
  );

  it('has none for ingest, whose input is a download not yet made', () => {
    expect(TASK_KINDS.ingest.timeBudget).toBeNull();
    expect(taskTimeBudget('ingest', {}, video(60))).toBeNull();
  });

  it('gives every other kind a budget, with its floor', () => {
    for (const [kind, declaration] of Object.entries(TASK_KINDS)) {
      if (kind === 'ingest') continue;
      expect(declaration.timeBudget?.floorSeconds).toBeGreaterThanOrEqual(180);
    }
  });

  it('budgets options that do not parse as the defaults', () => {
    expect(taskTimeBudget('video', { codec: 'mpeg2' }, video(600))?.seconds).toBe(180 + 600 * 0.9);
  });
});

describe('trimmedSeconds', () => {
  it.each([
    [{}, 600],
    [{ start: 100 }, 500],
    [{ end: 100 }, 100],
    [{ start: 100, end: 200 }, 100],
    [{ start: 700 }, 0],
    [{ end: 900 }, 600],
  ])('%j of 600 s reads %d s', (trim, seconds) => {
    expect(trimmedSeconds(600, trim)).toBe(seconds);
  });
});
