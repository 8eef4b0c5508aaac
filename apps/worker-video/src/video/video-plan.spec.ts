import {
  TASK_MESSAGE_VERSION,
  newId,
  type StoredFile,
  type TaskDispatch,
} from '@mediaflow/contracts';
import { MEDIA_INPUT_OPTIONS } from '@mediaflow/media';
import { videoPlan } from './video-plan';
import { videoHandler } from './video.handler';

function dispatch(
  options: Record<string, unknown>,
  input: Partial<StoredFile> | null = {},
  ref: string | null = null,
): TaskDispatch {
  return {
    v: TASK_MESSAGE_VERSION,
    task_id: newId('task'),
    attempt: 1,
    project_id: newId('prj'),
    kind: 'video',
    options,
    input: input && {
      id: newId('file'),
      project_id: newId('prj'),
      filename: 'holiday.mov',
      ref: null,
      task_id: null,
      storage_key: 'k',
      created_at: 0,
      kind: 'video',
      mimetype: 'video/quicktime',
      format: 'mov',
      width: 1920,
      height: 1080,
      duration: 600,
      fps: 25,
      filesize: 1,
      has_audio: true,
      has_video: true,
      language: null,
      ...input,
    },
    source_url: null,
    ref,
  };
}

/** The dispatch as the handler parses it, then planned. */
const { parse } = videoHandler({ maxInputPixels: 100_000_000 });
const signal = new AbortController().signal;
const plan = (task: TaskDispatch, scale?: number) =>
  videoPlan(
    parse({ task, inputPath: '/w/in', workDir: '/w', signal, progress: () => undefined }),
    scale === undefined ? {} : { timeLimitScale: scale },
  );

describe('video plan', () => {
  it('writes a fixed name in the work directory and builds the command for it', () => {
    const p = plan(dispatch({ width: 1280 }));
    expect(p.outputPath).toBe('/w/output.mp4');
    expect(p.args.slice(0, 6)).toEqual([...MEDIA_INPUT_OPTIONS, '-i', 'file:/w/in']);
    expect(p.args).toContain('scale=1280:720,setsar=1');
    expect(p.args.at(-1)).toBe('file:/w/output.mp4');
  });

  it.each([
    ['the input name with the new extension', {}, null, 'holiday.mp4'],
    ['the ref', { format: 'webm' }, 'web', 'web.webm'],
    [
      'the filename option as given',
      { filename: 'final cut.mkv', format: 'mkv' },
      'web',
      'final cut.mkv',
    ],
  ])('names the output after %s', (_name, options, ref, filename) => {
    expect(plan(dispatch(options, {}, ref)).filename).toBe(filename);
  });

  it.each([
    ['the whole input', {}, 600],
    ['a trim', { start: 10, end: 70 }, 60],
    ['a trim running past the end', { start: 590, end: 900 }, 10],
  ])('expects the length of %s', (_name, options, seconds) => {
    expect(plan(dispatch(options)).expectedSeconds).toBe(seconds);
  });

  it.each([
    ['H.264', {}, undefined, 2_400_000],
    ['AV1, slower', { codec: 'av1' }, undefined, 7_200_000],
    ['HEVC on a machine scaled ×2', { codec: 'h265' }, 2, 12_000_000],
    ['a short trim: the minimum', { start: 1, end: 3 }, undefined, 60_000],
  ])('gives ffmpeg a time limit that scales with the output: %s', (_name, options, scale, ms) => {
    expect(plan(dispatch(options), scale).timeoutMs).toBe(ms);
  });

  it.each([
    ['no input', {}, null, 'internal'],
    ['an image', {}, { kind: 'image' as const, has_video: false }, 'unsupported_input'],
    ['a track', {}, { kind: 'track' as const, has_video: false }, 'unsupported_input'],
    ['an unknown duration', {}, { duration: null }, 'input_unreadable'],
    ['no picture size', {}, { width: null }, 'input_unreadable'],
    ['a start past the end', { start: 600 }, {}, 'unsupported_input'],
    ['AV1 too small', { codec: 'av1', height: 32 }, {}, 'unsupported_input'],
    ['an unknown option', { bitrate: 5000 }, {}, 'validation_failed'],
    ['a quality off the scale', { quality: 101 }, {}, 'validation_failed'],
  ])('refuses %s', (_name, options, input, code) => {
    expect(() => plan(dispatch(options, input))).toThrow(expect.objectContaining({ code }));
  });
});
