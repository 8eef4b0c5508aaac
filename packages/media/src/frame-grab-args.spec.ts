import { MEDIA_INPUT_OPTIONS } from './file-input-args';
import {
  frameAtArgs,
  lastFrameArgs,
  representativeFrameArgs,
  searchWindow,
} from './frame-grab-args';

describe('frame grab arguments', () => {
  it('seeks on the input for a frame at a time', () => {
    expect(frameAtArgs('/w/in.mp4', '/w/out.png', 12.3456)).toEqual([
      '-ss',
      '12.346',
      ...MEDIA_INPUT_OPTIONS,
      '-i',
      'file:/w/in.mp4',
      '-map',
      '0:V:0',
      '-an',
      '-sn',
      '-dn',
      '-frames:v',
      '1',
      '-update',
      '1',
      '-f',
      'image2',
      '-c:v',
      'png',
      '-y',
      'file:/w/out.png',
    ]);
  });

  it('keeps overwriting one file over the last 2 s for the last frame', () => {
    expect(lastFrameArgs('/w/in.mp4', '/w/out.png')).toEqual([
      '-sseof',
      '-2',
      ...MEDIA_INPUT_OPTIONS,
      '-i',
      'file:/w/in.mp4',
      '-map',
      '0:V:0',
      '-an',
      '-sn',
      '-dn',
      '-update',
      '1',
      '-f',
      'image2',
      '-c:v',
      'png',
      '-y',
      'file:/w/out.png',
    ]);
  });

  it('samples 10 frames over the first 10 % (1..30 s), skipping black ones, for a representative frame', () => {
    expect(representativeFrameArgs('/w/in.mp4', '/w/out.png', 120)).toEqual([
      '-t',
      '72',
      ...MEDIA_INPUT_OPTIONS,
      '-i',
      'file:/w/in.mp4',
      '-map',
      '0:V:0',
      '-an',
      '-sn',
      '-dn',
      '-vf',
      'fps=10/12,blackframe=amount=0:threshold=32,metadata=mode=select:key=lavfi.blackframe.pblack:value=90:function=less,thumbnail=n=10',
      '-frames:v',
      '1',
      '-update',
      '1',
      '-f',
      'image2',
      '-c:v',
      'png',
      '-y',
      'file:/w/out.png',
    ]);
  });

  it.each([
    [3, 1],
    [25, 2.5],
    [7200, 30],
    [null, 30],
    [0, 30],
  ])('searches a %s s video over %s s', (duration, window) => {
    expect(searchWindow(duration)).toBe(window);
  });
});
