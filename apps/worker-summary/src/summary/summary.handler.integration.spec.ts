import { parseConfig } from '@mediaflow/config';
import {
  newId,
  TASK_MESSAGE_VERSION,
  type FileKind,
  type TaskDispatch,
} from '@mediaflow/contracts';
import { runFfmpeg } from '@mediaflow/media';
import { createSpeechMedia, createTestAudio, Fixtures } from '@mediaflow/testing';
import type { TaskContext, TaskHandler } from '@mediaflow/worker-kit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { OpenAiStandIn } from '@mediaflow/testing';
import { summaryWorkerConfigSchema } from '../config';
import { summaryHandlers } from '../handlers';
import { countWords } from './summary-text';
import type { Transcriber } from './summary.service';

const TRACK = `WEBVTT

1
00:00:00.000 --> 00:00:04.000
<v Guide>Welcome aboard the harbour ferry.

2
00:00:04.000 --> 00:00:09.000
The ferry crosses the harbour to the island every twenty minutes.

3
00:00:09.000 --> 00:00:13.000
On the island, a path leads from the ferry pier to the lighthouse.

4
00:00:13.000 --> 00:00:16.000
Please keep your ticket until you leave the ferry.
`;

// The summary kind inside the worker: real files, real sharp, real parsing.
describe('summary handler (real files)', () => {
  const fixtures = new Fixtures();
  let standIn: OpenAiStandIn;
  let workDir: string;
  let picture: string;
  let track: string;

  beforeAll(async () => {
    standIn = await OpenAiStandIn.start();
    // 1200×800, dark green with a white band over its lower quarter.
    const band = await sharp({
      create: { width: 1200, height: 200, channels: 3, background: '#ffffff' },
    })
      .png()
      .toBuffer();
    picture = fixtures.path('picture.png');
    await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#0b5d1e' } })
      .composite([{ input: band, left: 0, top: 600 }])
      .toFile(picture);
    track = fixtures.write('captions.vtt', TRACK);
  });
  afterAll(async () => {
    await standIn.close();
    fixtures.remove();
  });
  beforeEach(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'summary-task-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  function handler(env: Record<string, string> = {}, transcribe?: Transcriber): TaskHandler {
    const config = parseConfig(summaryWorkerConfigSchema, env);
    return summaryHandlers(config, transcribe ? { transcribe } : {}).summary!;
  }

  const openai = (vision: boolean) => ({
    MEDIAFLOW_SUMMARY_PROVIDER: 'openai',
    MEDIAFLOW_SUMMARY_BASE_URL: standIn.baseUrl,
    MEDIAFLOW_SUMMARY_MODEL: 'gpt-4o-mini',
    MEDIAFLOW_SUMMARY_VISION: String(vision),
  });

  async function run(
    summarise: TaskHandler,
    input: string,
    kind: FileKind,
    options: Record<string, unknown> = {},
    hasAudio = kind === 'video' || kind === 'audio',
    duration: number | null = null,
  ) {
    const task: TaskDispatch = {
      v: TASK_MESSAGE_VERSION,
      task_id: newId('task'),
      attempt: 1,
      project_id: newId('prj'),
      kind: 'summary',
      options,
      input: {
        id: newId('file'),
        project_id: newId('prj'),
        filename: path.basename(input),
        ref: null,
        task_id: null,
        storage_key: 'k',
        created_at: 0,
        kind,
        mimetype: 'application/octet-stream',
        format: null,
        width: null,
        height: null,
        duration,
        fps: null,
        filesize: 0,
        has_audio: hasAudio,
        has_video: kind === 'video',
        language: null,
      },
      source_url: null,
      ref: null,
    };
    const context: TaskContext = {
      task,
      inputPath: input,
      workDir,
      signal: new AbortController().signal,
      progress: () => undefined,
    };
    const { data } = await summarise(context);
    return data as { summary: string; source: string; provider: string };
  }

  it('describes a picture by its measured size and colours when no provider can see', async () => {
    const data = await run(handler(), picture, 'image');
    expect(data).toEqual({
      summary: 'A landscape PNG image of 1200×800 pixels (3:2). Mostly dark green, with white.',
      source: 'properties',
      provider: 'local (image properties)',
    });
    // The same with an openai provider whose model cannot see: nothing is sent.
    const before = standIn.requests.length;
    expect((await run(handler(openai(false)), picture, 'image')).source).toBe('properties');
    expect(standIn.requests).toHaveLength(before);
  });

  it('asks a provider that can see, sending the picture at most 1024 px wide as a JPEG', async () => {
    standIn.behaviour = { type: 'answer', content: 'A green field under a white sky.' };
    const data = await run(handler(openai(true)), picture, 'image', { max_words: 30 });
    expect(data).toEqual({
      summary: 'A green field under a white sky.',
      source: 'vision',
      provider: 'openai (gpt-4o-mini)',
    });
    const content = standIn.requests.at(-1)!.body.messages[1].content;
    expect(content[0].text).toContain('in at most 30 words');
    const jpeg = Buffer.from(
      content[1].image_url.url.replace('data:image/jpeg;base64,', ''),
      'base64',
    );
    expect(await sharp(jpeg).metadata()).toMatchObject({
      format: 'jpeg',
      width: 1024,
      height: 683,
    });
  });

  it('summarises a VTT track’s words, without ids, timings or tags', async () => {
    const data = await run(handler(), track, 'track', { max_words: 25 });
    expect(data.source).toBe('track');
    expect(data.provider).toBe('local (textrank)');
    expect(countWords(data.summary)).toBeLessThanOrEqual(25);
    expect(data.summary).toContain(
      'The ferry crosses the harbour to the island every twenty minutes.',
    );
    expect(data.summary).not.toMatch(/-->|<v|WEBVTT|^\d/);
  });

  it('sends a track’s words to an openai provider and holds its answer to max_words', async () => {
    standIn.behaviour = {
      type: 'answer',
      content:
        'A ferry runs to the island every twenty minutes, and a path leads to the lighthouse from the pier.',
    };
    const data = await run(handler(openai(false)), track, 'track', {
      max_words: 10,
      style: 'bullets',
    });
    expect(data).toEqual({
      summary: '- A ferry runs to the island every twenty minutes, and…',
      source: 'track',
      provider: 'openai (gpt-4o-mini)',
    });
    const prompt: string = standIn.requests.at(-1)!.body.messages[1].content;
    expect(prompt).toContain('Welcome aboard the harbour ferry. The ferry crosses');
    expect(prompt).not.toContain('-->');
  });

  it('summarises the transcript the recogniser makes of an audio file', async () => {
    const audio = fixtures.path('tone.m4a');
    await createTestAudio(audio, { seconds: 1 });
    const heard: string[] = [];
    const data = await run(
      handler({}, async (inputPath, _workDir, { language }) => {
        heard.push(inputPath, language);
        return {
          language: 'en',
          text: 'the ferry leaves every twenty minutes',
          segments: [
            { start: 0, end: 1, text: 'the ferry leaves every twenty minutes', words: [] },
          ],
        };
      }),
      audio,
      'audio',
    );
    expect(heard).toEqual([audio, 'en']);
    expect(data).toEqual({
      summary: 'The ferry leaves every twenty minutes.',
      source: 'transcript',
      provider: 'local (textrank)',
    });
  });

  // The configured recogniser (local: pocketsphinx) on speech made by espeak-ng.
  it('summarises what a video with speech says, end to end with the local providers', async () => {
    const video = fixtures.path('speech.mp4');
    const duration = await createSpeechMedia(
      video,
      'The weather today is cold and windy. Tomorrow the weather will be warm and sunny. ' +
        'People should take a coat today.',
    );
    const data = await run(handler(), video, 'video', { max_words: 12 }, true, duration);
    expect(data.source).toBe('transcript');
    expect(data.provider).toBe('local (textrank)');
    expect(countWords(data.summary)).toBeGreaterThan(0);
    expect(countWords(data.summary)).toBeLessThanOrEqual(12);
    // What pocketsphinx hears of it reliably.
    expect(data.summary.toLowerCase()).toMatch(/\bweather today\b/);
    // Unpunctuated recogniser output comes back as capitalised pseudo-sentences.
    expect(data.summary).toMatch(/^[A-Z].*[.…]$/);
  });

  it('says so when a video’s audio holds no speech', async () => {
    const silent = fixtures.path('silent.mp4');
    await runFfmpeg(
      [
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=320x240:rate=25:duration=3',
        '-f',
        'lavfi',
        '-i',
        'anullsrc=r=48000:cl=mono',
        '-t',
        '3',
        '-pix_fmt',
        'yuv420p',
        '-preset',
        'ultrafast',
        '-y',
        silent,
      ],
      { signal: new AbortController().signal, timeoutMs: 60_000 },
    );
    expect(await run(handler(), silent, 'video', {}, true, 3)).toEqual({
      summary: 'No speech was found in the video. Speech recognition: local (pocketsphinx en-us).',
      source: 'transcript',
      provider: 'local (textrank)',
    });
  });

  it('fails a corrupt picture with input_unreadable', async () => {
    const broken = fixtures.truncated('broken.png', picture);
    await expect(run(handler(), broken, 'image')).rejects.toMatchObject({
      code: 'input_unreadable',
    });
  });
});
