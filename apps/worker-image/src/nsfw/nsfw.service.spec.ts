import { MediaflowError } from '@mediaflow/contracts';
import type { NsfwScores } from './nsfw-verdict';
import { NsfwService, type NsfwJob, type NsfwTools } from './nsfw.service';

const SAFE: NsfwScores = { neutral: 0.9, drawing: 0.08, sexy: 0.01, porn: 0.005, hentai: 0.005 };
const RACY: NsfwScores = { neutral: 0.2, drawing: 0, sexy: 0.5, porn: 0.2, hentai: 0.1 };
const WORSE: NsfwScores = { neutral: 0.05, drawing: 0, sexy: 0.05, porn: 0.85, hentai: 0.05 };

/** Tools that record what the service asked, and score each frame file as told. */
function fakeTools(scoreOf: (file: string) => NsfwScores = () => SAFE) {
  const calls: { tool: string; args: unknown[] }[] = [];
  const tools: NsfwTools = {
    classifyImage: async (file) => {
      calls.push({ tool: 'classifyImage', args: [file] });
      return scoreOf(file);
    },
    sampleFrame: async (input, output, atSeconds) => {
      calls.push({ tool: 'sampleFrame', args: [input, output, atSeconds] });
    },
  };
  return { tools, calls };
}

function job(over: Partial<NsfwJob> = {}): NsfwJob {
  return {
    input: { path: '/in/source', kind: 'image', duration: null },
    options: {},
    workDir: '/work',
    signal: new AbortController().signal,
    ...over,
  };
}

const video = (duration: number | null) => ({
  path: '/in/clip.mp4',
  kind: 'video' as const,
  duration,
});

describe('NsfwService (decisions, with recording tools)', () => {
  it('classifies an image once, at the default threshold, with no frames', async () => {
    const { tools, calls } = fakeTools(() => RACY);
    const result = await new NsfwService(tools).classify(job());
    expect(calls).toEqual([{ tool: 'classifyImage', args: ['/in/source'] }]);
    expect(result).toEqual({ nsfw: true, confidence: 0.8, scores: RACY, frames: [] });
  });

  it('honours the threshold', async () => {
    const { tools } = fakeTools(() => RACY);
    const result = await new NsfwService(tools).classify(job({ options: { threshold: 0.85 } }));
    expect(result).toMatchObject({ nsfw: false, confidence: 0.2 });
  });

  it('samples 8 frames of a video by default, evenly, and reports the worst', async () => {
    const { tools, calls } = fakeTools((file) => (file === '/work/frame-5.png' ? WORSE : SAFE));
    const progress: number[] = [];
    const result = await new NsfwService(tools).classify(
      job({ input: video(16), progress: (p) => progress.push(p) }),
    );
    const samples = calls.filter((c) => c.tool === 'sampleFrame');
    expect(samples.map((c) => c.args[2])).toEqual([1, 3, 5, 7, 9, 11, 13, 15]);
    expect(samples[5]!.args).toEqual(['/in/clip.mp4', '/work/frame-5.png', 11]);
    // Each frame is classified right after it is made.
    expect(calls.map((c) => c.tool)).toEqual(
      Array.from({ length: 8 }, () => ['sampleFrame', 'classifyImage']).flat(),
    );
    expect(result).toMatchObject({ nsfw: true, confidence: 0.95, scores: WORSE });
    expect(result.frames).toHaveLength(8);
    expect(result.frames[5]).toEqual({ time: 11, scores: WORSE });
    expect(result.frames[0]).toEqual({ time: 1, scores: SAFE });
    expect(progress).toEqual([13, 25, 38, 50, 63, 75, 88, 100]);
  });

  it('takes as many frames as asked; a safe video is safe by its least safe frame', async () => {
    let n = 0;
    const { tools } = fakeTools(() => (n++ === 1 ? RACY : SAFE));
    const result = await new NsfwService(tools).classify(
      job({ input: video(3), options: { frames: 3, threshold: 0.9 } }),
    );
    expect(result.frames.map((f) => f.time)).toEqual([0.5, 1.5, 2.5]);
    expect(result).toMatchObject({ nsfw: false, confidence: 0.2, scores: RACY });
  });

  it('looks at the first frame alone when the duration is unknown', async () => {
    const { tools, calls } = fakeTools();
    const result = await new NsfwService(tools).classify(job({ input: video(null) }));
    expect(calls.filter((c) => c.tool === 'sampleFrame').map((c) => c.args[2])).toEqual([0]);
    expect(result.frames).toEqual([{ time: 0, scores: SAFE }]);
  });

  it('refuses audio with unsupported_input, before any work', async () => {
    const { tools, calls } = fakeTools();
    await expect(
      new NsfwService(tools).classify(
        job({ input: { path: '/a.mp3', kind: 'audio', duration: 3 } }),
      ),
    ).rejects.toMatchObject({
      code: 'unsupported_input',
      message: expect.stringContaining('an audio'),
    });
    expect(calls).toEqual([]);
  });

  it('stops between frames when the task is cancelled', async () => {
    const controller = new AbortController();
    const { tools, calls } = fakeTools(() => {
      controller.abort(new MediaflowError('cancelled', 'The task was cancelled'));
      return SAFE;
    });
    await expect(
      new NsfwService(tools).classify(job({ input: video(10), signal: controller.signal })),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(calls.map((c) => c.tool)).toEqual(['sampleFrame', 'classifyImage']);
  });
});
