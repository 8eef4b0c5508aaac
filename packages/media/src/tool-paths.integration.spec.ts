import { checkTools } from './tool-paths';

describe('checkTools', () => {
  it('reports the installed versions', async () => {
    const tools = await checkTools({ PATH: process.env.PATH });
    expect(tools.ffmpeg).toMatchObject({
      ok: true,
      path: 'ffmpeg',
      version: expect.stringMatching(/^\d+\.\d+/),
    });
    expect(tools.ffprobe).toMatchObject({
      ok: true,
      path: 'ffprobe',
      version: expect.stringMatching(/^\d+\.\d+/),
    });
  });

  it('reports a missing tool without throwing', async () => {
    const tools = await checkTools({
      FFMPEG_PATH: '/nonexistent/ffmpeg',
      FFPROBE_PATH: '/bin/true',
    });
    expect(tools.ffmpeg).toEqual({
      ok: false,
      path: '/nonexistent/ffmpeg',
      error: 'ffmpeg at /nonexistent/ffmpeg: not found',
    });
    expect(tools.ffprobe).toMatchObject({ ok: false, path: '/bin/true' });
  });
});
