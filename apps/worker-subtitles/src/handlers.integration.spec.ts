import { readFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  TASK_MESSAGE_VERSION,
  newId,
  type FileKind,
  type TaskDispatch,
  type TaskKind,
} from '@mediaflow/contracts';
import { parseConfig } from '@mediaflow/config';
import { probeMedia, runFfmpeg } from '@mediaflow/media';
import { normaliseWords } from '@mediaflow/speech';
import { createSpeechMedia, createTestVideo } from '@mediaflow/testing';
import type { HandlerResult, TaskContext } from '@mediaflow/worker-kit';
import type SrtParserClass from 'srt-parser-2' with { 'resolution-mode': 'import' };
import { WebVTTParser } from 'webvtt-parser';
import { subtitlesWorkerConfigSchema } from './config';
import { subtitlesHandlers } from './handlers';

// srt-parser-2 is an ES module only; jest compiles it to CommonJS (jest.config.js), so it is required here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SrtParser: typeof SrtParserClass = require('srt-parser-2').default;

const SPOKEN =
  'Hello world. This is a test. The weather is nice today and we are going to the park. One two three four five six seven eight nine ten.';

/** A caption as both parsers give it: seconds and text. */
interface ParsedCue {
  start: number;
  end: number;
  text: string;
}

function parseVtt(text: string): ParsedCue[] {
  const parsed = new WebVTTParser().parse(text, 'subtitles');
  expect(parsed.errors).toEqual([]);
  return parsed.cues.map((cue) => ({ start: cue.startTime, end: cue.endTime, text: cue.text }));
}

function parseSrt(text: string): ParsedCue[] {
  return new SrtParser()
    .fromSrt(text)
    .map((cue) => ({ start: cue.startSeconds, end: cue.endSeconds, text: cue.text }));
}

/** What docs/task-kinds.md and the options promise of every caption file. */
function expectCaptionRules(
  cues: ParsedCue[],
  rules: { duration: number; maxLineLength: number; maxLines: number; transcript: string },
): void {
  const heard = normaliseWords(rules.transcript);
  let previousEnd = 0;
  let searchFrom = 0;
  for (const cue of cues) {
    expect(cue.start).toBeGreaterThanOrEqual(previousEnd);
    expect(cue.end).toBeGreaterThan(cue.start);
    expect(cue.end - cue.start).toBeLessThanOrEqual(7.0005);
    expect(cue.end).toBeLessThanOrEqual(rules.duration);
    const lines = cue.text.split('\n');
    expect(lines.length).toBeLessThanOrEqual(rules.maxLines);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(rules.maxLineLength);
    // The cue's words are the transcript's next words, in order.
    for (const word of normaliseWords(cue.text)) {
      const at = heard.indexOf(word, searchFrom);
      expect(at).toBeGreaterThanOrEqual(searchFrom);
      searchFrom = at + 1;
    }
    previousEnd = cue.end;
  }
}

// Both kinds inside the worker: real ffmpeg, pocketsphinx and espeak-ng speech made here.
describe('subtitles worker handlers (real tools)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'subtitles-fixtures-'));
  const handlers = subtitlesHandlers(parseConfig(subtitlesWorkerConfigSchema, {}));
  let workDir: string;
  let speechVideo: string;
  let speechVideoSeconds: number;
  let speechAudio: string;
  let speechAudioSeconds: number;

  beforeAll(async () => {
    speechVideo = path.join(dir, 'interview.mp4');
    speechVideoSeconds = await createSpeechMedia(speechVideo, SPOKEN);
    speechAudio = path.join(dir, 'podcast.m4a');
    speechAudioSeconds = await createSpeechMedia(speechAudio, SPOKEN, {
      video: false,
      leadSeconds: 0.5,
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'subtitles-task-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  async function run(
    kind: TaskKind,
    input: string,
    options: Record<string, unknown>,
    facts: {
      kind?: FileKind;
      has_audio?: boolean;
      duration?: number | null;
      ref?: string | null;
    } = {},
  ): Promise<{ result: HandlerResult; progress: number[] }> {
    const task: TaskDispatch = {
      v: TASK_MESSAGE_VERSION,
      task_id: newId('task'),
      attempt: 1,
      project_id: newId('prj'),
      kind,
      options,
      input: {
        id: newId('file'),
        project_id: newId('prj'),
        filename: path.basename(input),
        ref: null,
        task_id: null,
        storage_key: 'k',
        created_at: 0,
        kind: facts.kind ?? 'video',
        mimetype: 'video/mp4',
        format: 'mp4',
        width: 320,
        height: 240,
        duration: facts.duration === undefined ? speechVideoSeconds : facts.duration,
        fps: 25,
        filesize: statSync(input).size,
        has_audio: facts.has_audio ?? true,
        has_video: true,
        language: null,
      },
      source_url: null,
      ref: facts.ref ?? null,
    };
    const progress: number[] = [];
    const context: TaskContext = {
      task,
      inputPath: input,
      workDir,
      signal: new AbortController().signal,
      progress: (p) => progress.push(p),
    };
    return { result: await handlers[kind]!(context), progress };
  }

  it('speech: the transcript of a video with word timings, and the provider', async () => {
    const { result, progress } = await run('speech', speechVideo, {});
    expect(result.file).toBeUndefined();
    const data = result.data as any;
    expect(Object.keys(data).sort()).toEqual(['language', 'provider', 'segments', 'text']);
    expect(data.language).toBe('en');
    expect(data.provider).toBe('local (pocketsphinx en-us)');
    expect(normaliseWords(data.text)).toEqual(
      expect.arrayContaining(['hello', 'nice', 'today', 'five', 'six', 'seven']),
    );
    let previousEnd = 0;
    for (const segment of data.segments) {
      expect(segment).toEqual({
        start: expect.any(Number),
        end: expect.any(Number),
        text: expect.any(String),
        words: expect.any(Array),
      });
      for (const word of segment.words) {
        expect(word.start).toBeGreaterThanOrEqual(previousEnd);
        expect(word.end).toBeLessThanOrEqual(speechVideoSeconds);
        previousEnd = word.end;
      }
    }
    expect(progress[progress.length - 1]).toBe(100);
  });

  it('subtitles: a WebVTT track of a video, following the words, within the rules', async () => {
    // The speech task's transcript of the same video: what the captions must show.
    const transcript = (await run('speech', speechVideo, {})).result.data as any;
    const { result, progress } = await run('subtitles', speechVideo, {}, { ref: null });
    const file = result.file!;
    expect(file.filename).toBe('interview.vtt');
    expect(file.properties).toEqual({
      kind: 'track',
      mimetype: 'text/vtt',
      format: 'vtt',
      width: null,
      height: null,
      duration: speechVideoSeconds,
      fps: null,
      filesize: statSync(file.path).size,
      has_audio: false,
      has_video: false,
      language: 'en',
    });
    const cues = parseVtt(readFileSync(file.path, 'utf8'));
    expect(cues.length).toBeGreaterThan(1);
    expectCaptionRules(cues, {
      duration: speechVideoSeconds,
      maxLineLength: 42,
      maxLines: 2,
      transcript: transcript.text,
    });
    // Every word of the transcript is shown, and the first cue waits for the first word.
    expect(normaliseWords(cues.map((c) => c.text).join(' '))).toEqual(
      normaliseWords(transcript.text),
    );
    expect(cues[0]!.start).toBe(transcript.segments[0].words[0].start);
    // ffprobe reads it as a WebVTT track too.
    await expect(probeMedia(file.path, { maxInputPixels: 1 })).resolves.toMatchObject({
      kind: 'track',
      format: 'vtt',
    });
    expect(progress[progress.length - 1]).toBe(100);
  });

  it('subtitles: SRT of an audio file, with short single lines as asked', async () => {
    const { result } = await run(
      'subtitles',
      speechAudio,
      { format: 'srt', max_line_length: 20, max_lines: 1, filename: 'captions.srt' },
      { kind: 'audio', duration: speechAudioSeconds, ref: 'podcast-captions' },
    );
    const file = result.file!;
    expect(file.filename).toBe('captions.srt');
    expect(file.properties).toMatchObject({
      kind: 'track',
      mimetype: 'application/x-subrip',
      format: 'srt',
      language: 'en',
    });
    const text = readFileSync(file.path, 'utf8');
    const cues = parseSrt(text);
    expect(cues.length).toBeGreaterThan(3);
    expect(cues.map((_, i) => i + 1).join()).toBe(
      new SrtParser()
        .fromSrt(text)
        .map((c) => c.id)
        .join(),
    );
    const { result: speech } = await run(
      'speech',
      speechAudio,
      {},
      { kind: 'audio', duration: speechAudioSeconds },
    );
    expectCaptionRules(cues, {
      duration: speechAudioSeconds,
      maxLineLength: 20,
      maxLines: 1,
      transcript: (speech.data as any).text,
    });
    await expect(probeMedia(file.path, { maxInputPixels: 1 })).resolves.toMatchObject({
      kind: 'track',
      format: 'srt',
    });
  });

  it('subtitles: a video whose sound has no speech gives valid files with no cues', async () => {
    const quiet = path.join(dir, 'quiet.mp4');
    await runFfmpeg(
      [
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=320x240:rate=25:duration=2',
        '-f',
        'lavfi',
        '-i',
        'anullsrc=r=48000:cl=stereo',
        '-t',
        '2',
        '-pix_fmt',
        'yuv420p',
        '-preset',
        'ultrafast',
        '-y',
        quiet,
      ],
      { signal: new AbortController().signal, timeoutMs: 60_000 },
    );
    const vtt = (await run('subtitles', quiet, {}, { duration: 2 })).result.file!;
    expect(readFileSync(vtt.path, 'utf8')).toBe('WEBVTT\n');
    expect(parseVtt(readFileSync(vtt.path, 'utf8'))).toEqual([]);
    const srt = (await run('subtitles', quiet, { format: 'srt' }, { duration: 2 })).result.file!;
    expect(parseSrt(readFileSync(srt.path, 'utf8'))).toEqual([]);
    expect(srt.properties.filesize).toBeGreaterThan(0);
  });

  it('both kinds fail no_audio_stream on a video without sound', async () => {
    const silent = path.join(dir, 'silent.mp4');
    await createTestVideo(silent, { seconds: 1, audio: false });
    for (const kind of ['speech', 'subtitles'] as const) {
      // As probed (has_audio false), and as if the probe had been wrong: ffmpeg finds no audio.
      await expect(run(kind, silent, {}, { has_audio: false, duration: 1 })).rejects.toMatchObject({
        code: 'no_audio_stream',
      });
      await expect(run(kind, silent, {}, { duration: 1 })).rejects.toMatchObject({
        code: 'no_audio_stream',
      });
    }
  });

  it('refuses an image, and a language the local provider has no model for, as unsupported_input', async () => {
    await expect(run('subtitles', speechVideo, {}, { kind: 'image' })).rejects.toMatchObject({
      code: 'unsupported_input',
      message: 'Subtitles are made from the speech of a video or an audio file, not an image file',
    });
    await expect(run('speech', speechVideo, { language: 'de' })).rejects.toMatchObject({
      code: 'unsupported_input',
      message: expect.stringContaining('recognises only "en"'),
    });
  });
});
