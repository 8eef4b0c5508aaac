import { uploadFilename } from './upload-filename';

describe('uploadFilename', () => {
  it.each<[string, Parameters<typeof uploadFilename>[0], string | null]>([
    [
      'the query parameter first',
      { query: 'q.jpg', part: 'p.jpg', disposition: 'attachment; filename="d.jpg"' },
      'q.jpg',
    ],
    [
      "then the multipart part's name",
      { part: 'clip.mp4', disposition: 'attachment; filename="d.jpg"' },
      'clip.mp4',
    ],
    [
      "then the request's Content-Disposition",
      { disposition: 'attachment; filename="photo.jpg"' },
      'photo.jpg',
    ],
    [
      'its UTF-8 form over the plain one',
      { disposition: `attachment; filename="x.jpg"; filename*=UTF-8''%C3%A9t%C3%A9.jpg` },
      'été.jpg',
    ],
    ['nothing at all: none', {}, null],
    ['blank names count as none', { query: '  ', part: '', disposition: 'inline' }, null],
    [
      'two Content-Disposition headers count as none',
      { disposition: ['attachment; filename=a', 'attachment; filename=b'] },
      null,
    ],
    [
      'a name as sent, paths and all: the worker makes it safe',
      { query: '../../etc/passwd' },
      '../../etc/passwd',
    ],
  ])('%s', (_name, names, expected) => {
    expect(uploadFilename(names)).toBe(expected);
  });

  it('cuts a very long name to 255 characters', () => {
    expect(uploadFilename({ part: `${'a'.repeat(300)}.mp4` })).toHaveLength(255);
  });
});
