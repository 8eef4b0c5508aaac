import { MediaflowError, type MediaProperties } from '@mediaflow/contracts';
import type { ImagePlan } from './image-plan';
import { ImageService, type ImageJob, type ImageTools } from './image.service';

const PROPERTIES: MediaProperties = {
  kind: 'image',
  mimetype: 'image/png',
  format: 'png',
  width: 10,
  height: 10,
  duration: null,
  fps: null,
  filesize: 100,
  has_audio: false,
  has_video: false,
  language: null,
};

/** Tools that record what the service asked of them. */
function fakeTools(format = 'png') {
  const calls: { tool: string; args: unknown[] }[] = [];
  const tools: ImageTools = {
    inspect: async (...args) => {
      calls.push({ tool: 'inspect', args });
      return { format, width: 10, height: 10 };
    },
    render: async (...args) => {
      calls.push({ tool: 'render', args });
    },
    grabFrame: async (input, output, { atSeconds, durationSeconds }) => {
      calls.push({ tool: 'grabFrame', args: [input, output, { atSeconds, durationSeconds }] });
    },
    probe: async (...args) => {
      calls.push({ tool: 'probe', args });
      return PROPERTIES;
    },
  };
  return { tools, calls };
}

function job(over: Partial<ImageJob> = {}): ImageJob {
  return {
    input: { path: '/in/source', kind: 'image', duration: null },
    options: {},
    ref: null,
    workDir: '/work',
    signal: new AbortController().signal,
    ...over,
  };
}

describe('ImageService (decisions, with recording tools)', () => {
  it('plans an image from the format its decoder read, renders it and probes the output', async () => {
    const { tools, calls } = fakeTools('webp');
    const { signal } = new AbortController();
    const file = await new ImageService(tools).make(
      job({ options: { width: 50 }, ref: 'thumb', signal }),
    );
    expect(calls.map((c) => c.tool)).toEqual(['inspect', 'render', 'probe']);
    expect(calls[1]!.args.slice(0, 2)).toEqual(['/in/source', '/work/output.webp']);
    expect((calls[1]!.args[2] as ImagePlan).resize).toMatchObject({ width: 50, fit: 'inside' });
    // The task's signal, which stops a long render at once.
    expect(calls[1]!.args[3]).toBe(signal);
    expect(file).toEqual({
      path: '/work/output.webp',
      filename: 'thumb.webp',
      properties: PROPERTIES,
    });
  });

  it('grabs the frame at start from a video, then renders it as jpeg', async () => {
    const { tools, calls } = fakeTools();
    const file = await new ImageService(tools).make(
      job({ input: { path: '/in/clip', kind: 'video', duration: 10 }, options: { start: 2 } }),
    );
    expect(calls.map((c) => c.tool)).toEqual(['grabFrame', 'render', 'probe']);
    expect(calls[0]!.args).toEqual([
      '/in/clip',
      '/work/frame.png',
      { atSeconds: 2, durationSeconds: 10 },
    ]);
    expect(calls[1]!.args.slice(0, 2)).toEqual(['/work/frame.png', '/work/output.jpeg']);
    expect(file.filename).toBe('image.jpg');
  });

  it('leaves the frame to the grabber when no start is given', async () => {
    const { tools, calls } = fakeTools();
    await new ImageService(tools).make(
      job({ input: { path: '/in/clip', kind: 'video', duration: 10 } }),
    );
    expect(calls[0]!.args[2]).toEqual({ atSeconds: undefined, durationSeconds: 10 });
  });

  it('refuses audio and tracks with unsupported_input, touching nothing', async () => {
    const { tools, calls } = fakeTools();
    await expect(
      new ImageService(tools).make(job({ input: { path: '/in/a', kind: 'audio', duration: 3 } })),
    ).rejects.toMatchObject({
      code: 'unsupported_input',
      message: 'An image cannot be made from an audio file',
    });
    await expect(
      new ImageService(tools).make(job({ input: { path: '/in/t', kind: 'track', duration: 3 } })),
    ).rejects.toMatchObject({
      code: 'unsupported_input',
    });
    expect(calls).toEqual([]);
  });

  it('stops with the abort reason once cancelled', async () => {
    const { tools, calls } = fakeTools();
    const abort = new AbortController();
    tools.render = async () =>
      abort.abort(new MediaflowError('cancelled', 'The task was cancelled'));
    await expect(new ImageService(tools).make(job({ signal: abort.signal }))).rejects.toMatchObject(
      { code: 'cancelled' },
    );
    expect(calls.map((c) => c.tool)).toEqual(['inspect']);
  });
});
