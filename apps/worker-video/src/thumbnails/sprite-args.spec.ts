import { MEDIA_INPUT_OPTIONS } from '@mediaflow/media';
import { planFrames, type FramePlan } from './frame-plan';
import {
  chooseExtraction,
  grabArgs,
  lastCellArgs,
  singlePassArgs,
  slotExpression,
  tileArgs,
} from './sprite-args';
import { spriteLayout } from './sprite-layout';

/** Evaluates the expression as ffmpeg would, for T in seconds. */
function slotAt(plan: FramePlan, seconds: number): number {
  const js = slotExpression(plan).replace(/\bif\(/g, 'iff(');
  const evaluate = new Function('T', 'iff', 'lt', `return ${js};`) as (
    t: number,
    iff: (c: number, a: number, b: number) => number,
    lt: (a: number, b: number) => number,
  ) => number;
  return evaluate(
    seconds,
    (c, a, b) => (c ? a : b),
    (a, b) => (a < b ? 1 : 0),
  );
}

describe('slotExpression', () => {
  it.each([
    ['count 6 over 1.4014 s', planFrames({ count: 6 }, 1.4014)],
    ['count 400 over 2 s', planFrames({ count: 400 }, 2)],
    ['interval 3 over 10 s (a short last slice)', planFrames({ interval: 3 }, 10)],
    ['interval 1 over 10.0004 s (a long last slice)', planFrames({ interval: 1 }, 10.0004)],
    ['one frame', planFrames({ interval: 60 }, 12)],
  ])('%s: maps the middle of slice k to slot k, and grows with time', (_, plan) => {
    plan.slices.forEach((slice, k) => {
      expect(slotAt(plan, slice.at)).toBeCloseTo(k, 4);
      expect(slotAt(plan, slice.start)).toBeCloseTo(k - 0.5, 4);
    });
    expect(slotAt(plan, plan.duration)).toBeCloseTo(plan.slices.length - 0.5, 4);
  });

  it('is the expression ffmpeg gets', () => {
    expect(slotExpression(planFrames({ interval: 3 }, 10))).toBe(
      'if(lt(T,9),(T-1.5)/3,2.5+(T-9)/1)',
    );
  });
});

describe('chooseExtraction', () => {
  it.each([
    [{ count: 20 }, 60, 'single-pass'],
    [{ count: 20 }, 159, 'single-pass'],
    [{ count: 20 }, 160, 'seek'],
    [{ count: 400 }, 7200, 'seek'],
    [{ interval: 10 }, 30, 'seek'],
    [{ interval: 5 }, 1800, 'single-pass'],
    // 720 slices of 5 s are more than 400: 400 of 9 s.
    [{ interval: 5 }, 3600, 'seek'],
  ])('%j over %d s → %s', (spacing, duration, expected) => {
    expect(chooseExtraction(planFrames(spacing, duration))).toBe(expected);
  });
});

describe('ffmpeg arguments', () => {
  const plan = planFrames({ count: 4 }, 10);
  const layout = spriteLayout(4, { width: 160, height: 90 }, 3);

  it('single pass: one decode, the frame on screen at each slot written as a PNG', () => {
    expect(
      singlePassArgs({
        input: '/w/in',
        plan,
        frame: { width: 160, height: 90 },
        cellPattern: '/w/t/cell-%d.png',
      }),
    ).toEqual([
      ...MEDIA_INPUT_OPTIONS,
      '-i',
      'file:/w/in',
      '-map',
      '0:V:0',
      '-an',
      '-sn',
      '-dn',
      '-vf',
      'tpad=stop_mode=clone:stop_duration=2.5,' +
        "setpts='(if(lt(T,7.5),(T-1.25)/2.5,2.5+(T-7.5)/2.5))/TB'," +
        'fps=fps=1:start_time=0:round=up,scale=160:90:flags=lanczos,setsar=1,' +
        'tpad=stop_mode=clone:stop=4',
      '-frames:v',
      '4',
      '-c:v',
      'png',
      '-compression_level',
      '1',
      '-start_number',
      '0',
      '-f',
      'image2',
      '-y',
      'file:/w/t/cell-%d.png',
    ]);
  });

  it('seek: the frame on screen at the time, as a PNG of the frame size', () => {
    expect(grabArgs('/w/in', '/w/t/cell-3.png', 12.3456789, { width: 160, height: 90 })).toEqual([
      '-noaccurate_seek',
      '-ss',
      '12.345679',
      ...MEDIA_INPUT_OPTIONS,
      '-i',
      'file:/w/in',
      '-map',
      '0:V:0',
      '-an',
      '-sn',
      '-dn',
      '-vf',
      'fps=fps=1:start_time=0:round=up,scale=160:90:flags=lanczos,setsar=1',
      '-frames:v',
      '1',
      '-c:v',
      'png',
      '-compression_level',
      '1',
      '-update',
      '1',
      '-f',
      'image2',
      '-y',
      'file:/w/t/cell-3.png',
    ]);
  });

  it('seek: the last frame, for times past the video stream', () => {
    expect(lastCellArgs('/w/in', '/w/t/cell-last.png', 19.5, { width: 160, height: 90 })).toEqual([
      '-noaccurate_seek',
      '-ss',
      '19.5',
      ...MEDIA_INPUT_OPTIONS,
      '-i',
      'file:/w/in',
      '-map',
      '0:V:0',
      '-an',
      '-sn',
      '-dn',
      '-vf',
      'scale=160:90:flags=lanczos,setsar=1',
      '-fps_mode',
      'passthrough',
      '-update',
      '1',
      '-f',
      'image2',
      '-c:v',
      'png',
      '-compression_level',
      '1',
      '-y',
      'file:/w/t/cell-last.png',
    ]);
  });

  it('the frames tiled into webp sheets', () => {
    expect(
      tileArgs({
        cellPattern: '/w/t/cell-%d.png',
        layout,
        format: 'webp',
        sheetPattern: '/w/t/sheet-%d.webp',
      }),
    ).toEqual([
      '-f',
      'image2',
      '-framerate',
      '1',
      '-start_number',
      '0',
      '-protocol_whitelist',
      'file',
      '-i',
      'file:/w/t/cell-%d.png',
      '-vf',
      'tile=3x2',
      '-frames:v',
      '1',
      '-c:v',
      'libwebp',
      '-pix_fmt',
      'yuv420p',
      '-quality',
      '75',
      '-start_number',
      '1',
      '-f',
      'image2',
      '-y',
      'file:/w/t/sheet-%d.webp',
    ]);
  });
});
