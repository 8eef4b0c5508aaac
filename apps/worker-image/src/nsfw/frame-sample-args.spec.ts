import { MEDIA_INPUT_OPTIONS } from '@mediaflow/media';
import { frameSampleArgs } from './frame-sample-args';

describe('frameSampleArgs', () => {
  it('seeks on the input, keeps the first real video stream and scales to the model square', () => {
    expect(frameSampleArgs('/in/clip.mp4', '/work/frame-0.png', 12.3456, 224)).toEqual([
      '-ss',
      '12.346',
      ...MEDIA_INPUT_OPTIONS,
      '-i',
      'file:/in/clip.mp4',
      '-map',
      '0:V:0',
      '-an',
      '-sn',
      '-dn',
      '-vf',
      'scale=224:224',
      '-frames:v',
      '1',
      '-update',
      '1',
      '-f',
      'image2',
      '-c:v',
      'png',
      '-y',
      'file:/work/frame-0.png',
    ]);
  });

  it('reads paths as files, even ones that look like protocols or options', () => {
    const args = frameSampleArgs('-i http:x', 'https://evil/out.png', 0, 299);
    expect(args).toContain('file:-i http:x');
    expect(args.at(-1)).toBe('file:https://evil/out.png');
    expect(args).toContain('scale=299:299');
  });
});
