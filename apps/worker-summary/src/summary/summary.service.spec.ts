import { MediaflowError, type FileKind } from '@mediaflow/contracts';
import type { Transcript } from '@mediaflow/speech';
import { OpenAiStandIn } from '@mediaflow/testing';
import { LocalSummaryProvider } from '../extractive/local-summary-provider';
import type { ImageMeasurements } from '../image/image-description';
import { OpenAiSummaryProvider } from '../openai/openai-summary-provider';
import type { SummaryProvider } from './summary-provider';
import { countWords } from './summary-text';
import { SummaryService, type SummaryJob, type SummaryTools } from './summary.service';

const SPOKEN =
  'Welcome to the river tour. Boats leave the old harbour every hour. ' +
  'The tour passes the cathedral and the market. Tickets for the boats are sold at the harbour.';

function transcript(text: string, language = 'en'): Transcript {
  return {
    language,
    text,
    segments: text
      ? [
          {
            start: 0,
            end: 9,
            text,
            words: text.split(' ').map((word, i) => ({ word, start: i * 0.4, end: i * 0.4 + 0.3 })),
          },
        ]
      : [],
  };
}

const MEASURED: ImageMeasurements = {
  width: 1280,
  height: 720,
  format: 'jpeg',
  pages: 1,
  transparent: 0,
  colours: [{ name: 'blue', share: 0.8 }],
};

/** Tools that record what the service asked for, answering as told. */
function fakeTools(over: Partial<SummaryTools> = {}) {
  const calls: { tool: string; args: unknown[] }[] = [];
  const tools: SummaryTools = {
    transcribe: async (inputPath, workDir, options) => {
      calls.push({
        tool: 'transcribe',
        args: [inputPath, workDir, options.language, options.duration],
      });
      options.onProgress?.(50);
      options.onProgress?.(100);
      return { ...transcript(SPOKEN), provider: 'local (pocketsphinx en-us)' };
    },
    readTrack: async (file) => {
      calls.push({ tool: 'readTrack', args: [file] });
      return `WEBVTT\n\n00:00.000 --> 00:03.000\n${SPOKEN}\n`;
    },
    measureImage: async (file) => {
      calls.push({ tool: 'measureImage', args: [file] });
      return MEASURED;
    },
    visionJpeg: async (file) => {
      calls.push({ tool: 'visionJpeg', args: [file] });
      return Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
    },
    ...over,
  };
  return { tools, calls };
}

function job(kind: FileKind, over: Partial<SummaryJob> = {}): SummaryJob {
  return {
    input: {
      path: `/in/source.${kind}`,
      kind,
      hasAudio: kind !== 'image',
      language: null,
      duration: 9,
    },
    options: {},
    workDir: '/work',
    signal: new AbortController().signal,
    ...over,
  };
}

describe('SummaryService (decisions, with recording tools)', () => {
  const local = new LocalSummaryProvider();

  it('summarises what a video says from its transcript, reporting the recogniser’s progress', async () => {
    const { tools, calls } = fakeTools();
    const progress: number[] = [];
    const result = await new SummaryService(local, tools).summarise(
      job('video', { options: { max_words: 20 }, progress: (p) => progress.push(p) }),
    );
    expect(calls).toEqual([{ tool: 'transcribe', args: ['/in/source.video', '/work', 'en', 9] }]);
    expect(progress).toEqual([48, 95]);
    expect(result.source).toBe('transcript');
    expect(result.provider).toBe('local (textrank)');
    expect(countWords(result.summary)).toBeLessThanOrEqual(20);
    expect(SPOKEN).toContain(result.summary.split('. ')[0]!);
  });

  it('transcribes in the asked language, else the file’s', async () => {
    const { tools, calls } = fakeTools();
    const service = new SummaryService(local, tools);
    await service.summarise(job('audio', { options: { language: 'de' } }));
    await service.summarise(
      job('audio', {
        input: { path: '/a.mp3', kind: 'audio', hasAudio: true, language: 'fr', duration: 9 },
      }),
    );
    expect(calls.map((c) => c.args[2])).toEqual(['de', 'fr']);
  });

  it('says plainly that there is no audio, without running the recogniser', async () => {
    const { tools, calls } = fakeTools();
    const result = await new SummaryService(local, tools).summarise(
      job('video', {
        input: { path: '/v.mp4', kind: 'video', hasAudio: false, language: null, duration: 9 },
      }),
    );
    expect(calls).toEqual([]);
    expect(result).toEqual({
      summary: 'No speech: the video has no audio track.',
      source: 'transcript',
      provider: 'local (textrank)',
    });
  });

  it('says the same when the recogniser finds no audio stream', async () => {
    const { tools } = fakeTools({
      transcribe: async () => {
        throw new MediaflowError('no_audio_stream', 'The video has no audio stream');
      },
    });
    const result = await new SummaryService(local, tools).summarise(job('video'));
    expect(result.summary).toBe('No speech: the video has no audio track.');
  });

  it('says honestly that no speech was found, and by which recogniser', async () => {
    const { tools } = fakeTools({
      transcribe: async () => ({ ...transcript(''), provider: 'local (pocketsphinx en-us)' }),
    });
    const service = new SummaryService(local, tools);
    expect(await service.summarise(job('audio'))).toEqual({
      summary: 'No speech was found in the audio. Speech recognition: local (pocketsphinx en-us).',
      source: 'transcript',
      provider: 'local (textrank)',
    });
    expect(
      (await service.summarise(job('audio', { options: { style: 'bullets', max_words: 10 } })))
        .summary,
    ).toBe('- No speech was found in the audio.');
  });

  it('lets a recogniser’s failure fail the task', async () => {
    const { tools } = fakeTools({
      transcribe: async () => {
        throw new MediaflowError('provider_unavailable', 'The speech provider is down');
      },
    });
    await expect(new SummaryService(local, tools).summarise(job('video'))).rejects.toMatchObject({
      code: 'provider_unavailable',
    });
  });

  it('summarises a track’s cue text', async () => {
    const { tools, calls } = fakeTools();
    const result = await new SummaryService(local, tools).summarise(
      job('track', { options: { style: 'bullets' } }),
    );
    expect(calls).toEqual([{ tool: 'readTrack', args: ['/in/source.track'] }]);
    expect(result.source).toBe('track');
    expect(result.summary.split('\n').every((line) => line.startsWith('- '))).toBe(true);
  });

  it('says when a track has no text', async () => {
    const { tools } = fakeTools({ readTrack: async () => 'WEBVTT\n\n' });
    expect(await new SummaryService(local, tools).summarise(job('track'))).toEqual({
      summary: 'The track has no text to summarise.',
      source: 'track',
      provider: 'local (textrank)',
    });
  });

  it('describes a picture’s measured properties when the provider cannot see', async () => {
    const { tools, calls } = fakeTools();
    expect(await new SummaryService(local, tools).summarise(job('image'))).toEqual({
      summary: 'A landscape JPEG image of 1280×720 pixels (16:9). Mostly blue.',
      source: 'properties',
      provider: 'local (image properties)',
    });
    expect(calls.map((c) => c.tool)).toEqual(['measureImage']);
  });

  describe('with a provider that can see (an OpenAI stand-in)', () => {
    let standIn: OpenAiStandIn;
    let seeing: SummaryProvider;
    beforeAll(async () => {
      standIn = await OpenAiStandIn.start();
      seeing = new OpenAiSummaryProvider({
        baseUrl: standIn.baseUrl,
        model: 'gpt-4o',
        timeoutMs: 5_000,
        vision: true,
      });
    });
    afterAll(() => standIn.close());

    it('asks the provider what the picture shows', async () => {
      standIn.behaviour = { type: 'answer', content: 'A sunset over the sea.' };
      const { tools, calls } = fakeTools();
      expect(await new SummaryService(seeing, tools).summarise(job('image'))).toEqual({
        summary: 'A sunset over the sea.',
        source: 'vision',
        provider: 'openai (gpt-4o)',
      });
      expect(calls.map((c) => c.tool)).toEqual(['visionJpeg']);
      const content = standIn.requests.at(-1)!.body.messages[1].content;
      expect(content[1].image_url.url).toBe('data:image/jpeg;base64,/9j/2Q==');
    });

    it('writes the summary in the asked language, else the transcript’s', async () => {
      standIn.behaviour = { type: 'answer', content: 'Ein Text.' };
      const { tools } = fakeTools({ transcribe: async () => transcript(SPOKEN, 'es') });
      const service = new SummaryService(seeing, tools);
      await service.summarise(job('video', { options: { language: 'de' } }));
      await service.summarise(job('video'));
      const prompts = standIn.requests.slice(-2).map((r) => r.body.messages[1].content as string);
      expect(prompts[0]).toContain('written in German');
      expect(prompts[1]).toContain('written in Spanish');
    });
  });

  it('refuses a file that is not media', async () => {
    const { tools, calls } = fakeTools();
    await expect(new SummaryService(local, tools).summarise(job('data'))).rejects.toMatchObject({
      code: 'unsupported_input',
    });
    expect(calls).toEqual([]);
  });

  it('stops when the task is cancelled during transcription', async () => {
    const controller = new AbortController();
    const { tools } = fakeTools({
      transcribe: async () => {
        controller.abort(new MediaflowError('cancelled', 'The task was cancelled'));
        return transcript(SPOKEN);
      },
    });
    await expect(
      new SummaryService(local, tools).summarise(job('video', { signal: controller.signal })),
    ).rejects.toMatchObject({ code: 'cancelled' });
  });
});
