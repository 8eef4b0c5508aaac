import { linkTrackImages } from './track-links';

const track = [
  'WEBVTT',
  '',
  '00:00:00.000 --> 00:00:01.500',
  'sprite.jpg#xywh=0,0,160,90',
  '',
  '00:00:01.500 --> 00:00:03.000',
  'sprite.jpg#xywh=160,0,160,90',
  '',
].join('\n');

describe('linkTrackImages', () => {
  const url = 'https://media.example/files/file_a/content?expires=1&signature=ab&project_id=prj_x';

  it('points every cue at the sheet’s signed URL and keeps the fragments', () => {
    const linked = linkTrackImages(track, [{ filename: 'sprite.jpg', url }]);
    expect(linked.split('\n')).toEqual([
      'WEBVTT',
      '',
      '00:00:00.000 --> 00:00:01.500',
      `${url}#xywh=0,0,160,90`,
      '',
      '00:00:01.500 --> 00:00:03.000',
      `${url}#xywh=160,0,160,90`,
      '',
    ]);
  });

  it('matches each sheet of a split sprite by its own name', () => {
    const twoSheets =
      'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nsprite-1.jpg#xywh=0,0,8,8\n\n00:00:01.000 --> 00:00:02.000\nsprite-2.jpg#xywh=0,0,8,8\n';
    const linked = linkTrackImages(twoSheets, [
      { filename: 'sprite-1.jpg', url: 'https://x/1' },
      { filename: 'sprite-2.jpg', url: 'https://x/2' },
    ]);
    expect(linked).toContain('https://x/1#xywh=0,0,8,8');
    expect(linked).toContain('https://x/2#xywh=0,0,8,8');
  });

  it('reads names the way the worker percent-encodes them', () => {
    const linked = linkTrackImages('my%20sprite.jpg#xywh=1,2,3,4', [
      { filename: 'my sprite.jpg', url: 'https://x/s' },
    ]);
    expect(linked).toBe('https://x/s#xywh=1,2,3,4');
  });

  it('leaves a track without links, unknown names and timing lines as they are', () => {
    expect(linkTrackImages(track, [])).toBe(track);
    expect(linkTrackImages(track, [{ filename: 'other.jpg', url }])).toBe(track);
    expect(linkTrackImages('NOTE #1 is first\n#xywh=0,0,1,1', [{ filename: 'NOTE', url }])).toBe(
      'NOTE #1 is first\n#xywh=0,0,1,1',
    );
  });
});
