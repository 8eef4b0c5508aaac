import { FfmpegProgressParser } from './ffmpeg-progress';

describe('FfmpegProgressParser', () => {
  it('reports the output time of each completed block, across chunk boundaries', () => {
    const parser = new FfmpegProgressParser();
    expect(parser.push('frame=10\nout_time_us=400000\nout_time_ms=400000\nout_ti')).toEqual([]);
    expect(
      parser.push('me=00:00:00.400000\nprogress=continue\nframe=25\nout_time_us=1000'),
    ).toEqual([0.4]);
    expect(parser.push('000\nprogress=continue\nout_time_us=2000000\nprogress=end\n')).toEqual([
      1, 2,
    ]);
  });

  it('skips blocks before the first frame (N/A) and clamps the small negative start times ffmpeg prints', () => {
    const parser = new FfmpegProgressParser();
    expect(parser.push('out_time_us=N/A\nprogress=continue\n')).toEqual([]);
    expect(parser.push('out_time_us=-23220\r\nprogress=continue\r\n')).toEqual([0]);
    expect(parser.push('progress=continue\n')).toEqual([]);
  });
});
