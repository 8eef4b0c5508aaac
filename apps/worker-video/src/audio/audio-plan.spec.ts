import {
  TASK_MESSAGE_VERSION,
  newId,
  type StoredFile,
  type TaskDispatch,
} from '@mediaflow/contracts';
import { audioPlan } from './audio-plan';
import { audioHandler } from './audio.handler';

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
    kind: 'audio',
    options,
    input: input && {
      id: newId('file'),
      project_id: newId('prj'),
      filename: 'interview.mp4',
      ref: null,
      task_id: null,
      storage_key: 'k',
      created_at: 0,
      kind: 'video',
      mimetype: 'video/mp4',
      format: 'mp4',
      width: 1920,
      height: 1080,
      duration: 3600,
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
const { parse } = audioHandler({ maxInputPixels: 100_000_000 });
const signal = new AbortController().signal;
const plan = (task: TaskDispatch) =>
  audioPlan(parse({ task, inputPath: '/w/in', workDir: '/w', signal, progress: () => undefined }));

describe('audio plan', () => {
  it('writes a fixed name in the work directory; the encode takes the measurement when normalising', () => {
    const p = plan(dispatch({ format: 'opus', normalize: true, start: 60 }));
    expect(p).toMatchObject({
      inputPath: '/w/in',
      outputPath: '/w/output.opus',
      normalize: true,
      trim: { start: 60 },
      expectedSeconds: 3540,
      timeoutMs: 1_770_000,
    });
    expect(p.args().at(-1)).toBe('file:/w/output.opus');
    expect(p.args().join(' ')).not.toContain('loudnorm');
    const measured = { inputI: -30, inputTp: -10, inputLra: 5, inputThresh: -40, targetOffset: 0 };
    expect(p.args(measured).join(' ')).toContain('loudnorm=I=-16:TP=-1.5:LRA=11:measured_I=-30');
  });

  it.each([
    ['the input name with the new extension', {}, null, 'interview.mp3'],
    ['the ref', { format: 'm4a' }, 'podcast', 'podcast.m4a'],
    ['the filename option as given', { filename: 'episode 1' }, 'podcast', 'episode 1'],
  ])('names the output after %s', (_name, options, ref, filename) => {
    expect(plan(dispatch(options, {}, ref)).filename).toBe(filename);
  });

  it('takes an audio file whose duration is unknown, with the hour-long limit', () => {
    const p = plan(dispatch({}, { kind: 'audio', has_video: false, duration: null }));
    expect(p.expectedSeconds).toBeNull();
    expect(p.timeoutMs).toBe(3_600_000);
  });

  it.each([
    ['no input', {}, null, 'internal'],
    ['a video without sound', {}, { has_audio: false }, 'no_audio_stream'],
    ['an image', {}, { kind: 'image' as const, has_audio: false }, 'unsupported_input'],
    ['a track', {}, { kind: 'track' as const, has_audio: false }, 'unsupported_input'],
    ['a start past the end', { start: 4000 }, {}, 'unsupported_input'],
    ['an unknown option', { width: 100 }, {}, 'validation_failed'],
    ['three channels', { channels: 3 }, {}, 'validation_failed'],
  ])('refuses %s', (_name, options, input, code) => {
    expect(() => plan(dispatch(options, input))).toThrow(expect.objectContaining({ code }));
  });
});
