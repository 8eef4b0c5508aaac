import { toolPaths } from './tool-paths';

describe('toolPaths', () => {
  it('takes FFMPEG_PATH and FFPROBE_PATH, else the tools on PATH', () => {
    expect(toolPaths({})).toEqual({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });
    expect(toolPaths({ FFMPEG_PATH: '/opt/ff/ffmpeg', FFPROBE_PATH: ' ' })).toEqual({
      ffmpeg: '/opt/ff/ffmpeg',
      ffprobe: 'ffprobe',
    });
  });
});
