import type { RunStep } from '@mediaflow/workflow';
import { fileRow } from '../../test/fixtures/rows';
import { indexFiles } from '../files/file-index';
import { toStepFile } from '../files/stored-file';
import { overTimeLimit, refuseOverlong, type WorkerTimeLimits } from './task-time-limit';

const HOUR = 3_600_000;
const LIMITS: WorkerTimeLimits = { video: HOUR, image: 300_000, subtitles: HOUR, summary: 300_000 };

describe('overTimeLimit', () => {
  it("refuses an input whose budget is over its worker's limit, saying both and where the limit is set", () => {
    expect(overTimeLimit('video', {}, { kind: 'video', duration: 36_000 }, LIMITS)).toEqual({
      code: 'input_too_large',
      message:
        "A 36000 s input needs about 32580 s of video work, over this installation's 3600 s task limit (MEDIAFLOW_TASK_TIMEOUT_MS of the video worker)",
    });
  });

  it.each([
    // 180 + 0.9 × 3800 = 3600: exactly the limit still runs; a one-hour video fits.
    ['the longest H.264 transcode that fits', 'video', {}, 3800, null],
    ['a second more', 'video', {}, 3801, 'input_too_large'],
    ['10 h trimmed to a minute', 'video', { start: 600, end: 660 }, 36_000, null],
    ['10 h of sound to MP3', 'audio', {}, 36_000, null],
    ['10 h of sound, normalised', 'audio', { normalize: true }, 36_000, 'input_too_large'],
    ['20 frames of a 10 h film (seeks)', 'thumbnails', {}, 36_000, null],
    ['a transcript of 76 min', 'speech', {}, 4560, null],
    ['a transcript of 77 min', 'speech', {}, 4620, 'input_too_large'],
    // The summary worker's limit is 300 s here: 240 + 0.75 × 80 = 300.
    ['a summary of 80 s of video', 'summary', {}, 80, null],
    ['a summary of 81 s of video', 'summary', {}, 81, 'input_too_large'],
  ] as const)('%s: %s', (_name, kind, options, duration, code) => {
    expect(overTimeLimit(kind, options, { kind: 'video', duration }, LIMITS)?.code ?? null).toBe(
      code,
    );
  });

  it('lets an input of unknown length run: there is no budget, only the worker’s limit', () => {
    expect(overTimeLimit('speech', {}, { kind: 'audio', duration: null }, LIMITS)).toBeNull();
  });

  it('never refuses for a limit below the floor of the kind: the installation chose it, not the input', () => {
    const tight = { ...LIMITS, image: 60_000, summary: 60_000 };
    expect(overTimeLimit('image', {}, { kind: 'image' }, tight)).toBeNull();
    expect(overTimeLimit('summary', {}, { kind: 'video', duration: 36_000 }, tight)).toBeNull();
  });
});

describe('refuseOverlong', () => {
  const long = fileRow({
    id: 'file_long000000000000',
    kind: 'video',
    duration: 36_000,
    has_video: true,
    has_audio: true,
  });
  const files = indexFiles([long]);
  const step = (id: string, kind: RunStep['kind'], parentId: string | null = null): RunStep => ({
    id,
    parentId,
    branch: parentId ? 'next' : null,
    position: 0,
    kind,
    ref: id,
    options: {},
    conditions: null,
    status: parentId ? 'waiting' : 'pending',
    progress: 0,
    input: parentId ? null : toStepFile(long),
    output: null,
    error: null,
    skipReason: null,
    finishedAt: null,
  });

  it('fails each ready step that cannot finish, skips its subtree, and dispatches the rest', () => {
    const steps = [
      step('task_transcode0000000', 'video'),
      step('task_thumbs0000000000', 'thumbnails', 'task_transcode0000000'),
      step('task_sprite000000000', 'thumbnails'),
    ];
    const advance = refuseOverlong(
      { steps, ready: ['task_transcode0000000', 'task_sprite000000000'] },
      files,
      LIMITS,
    );
    expect(advance.ready).toEqual(['task_sprite000000000']);
    expect(advance.steps.map((s) => [s.id, s.status, s.error?.code, s.skipReason?.code])).toEqual([
      ['task_transcode0000000', 'failed', 'input_too_large', undefined],
      ['task_thumbs0000000000', 'skipped', undefined, 'upstream_failed'],
      ['task_sprite000000000', 'pending', undefined, undefined],
    ]);
  });

  it('hands back the advance itself when every ready step fits', () => {
    const decided = {
      steps: [step('task_sprite000000000', 'thumbnails')],
      ready: ['task_sprite000000000'],
    };
    expect(refuseOverlong(decided, files, LIMITS)).toBe(decided);
  });
});
