import { downloadFilename, sanitiseFilename, withExtension } from './download-filename';

describe('sanitiseFilename', () => {
  it.each([
    ['clip.mp4', 'clip.mp4'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\photo.jpg', 'photo.jpg'],
    ['..', null],
    ['.hidden.mp4', 'hidden.mp4'],
    ['bad\u0000name\n.jpg', 'badname.jpg'],
    ['what?*<>.png', 'what____.png'],
    ['  spaced.mp4  ', 'spaced.mp4'],
    ['trailing.', 'trailing'],
    ['', null],
  ])('%j → %j', (name, expected) => {
    expect(sanitiseFilename(name)).toBe(expected);
  });

  it('shortens long names to 200 characters, keeping the extension', () => {
    const name = sanitiseFilename(`${'a'.repeat(300)}.mp4`)!;
    expect(name).toHaveLength(200);
    expect(name.endsWith('a.mp4')).toBe(true);
  });
});

describe('downloadFilename', () => {
  const url = new URL('https://cdn.example/media/My%20Clip.mp4?token=secret');

  it('prefers the Content-Disposition name, then the last path segment, then "source"', () => {
    expect(downloadFilename('attachment; filename="other.mov"', url)).toBe('other.mov');
    expect(downloadFilename(undefined, url)).toBe('My Clip.mp4');
    expect(downloadFilename('attachment; filename=".."', url)).toBe('My Clip.mp4');
    expect(downloadFilename(undefined, new URL('https://cdn.example/'))).toBe('source');
    expect(downloadFilename(undefined, new URL('https://cdn.example/a/%2e%2e'))).toBe('source');
    expect(
      downloadFilename(undefined, new URL('https://cdn.example/a/..%2f..%2fetc%2fpasswd')),
    ).toBe('passwd');
  });
});

describe('withExtension', () => {
  it('adds the probed format only to a name without an extension', () => {
    expect(withExtension('download', 'mp4')).toBe('download.mp4');
    expect(withExtension('clip.mov', 'mp4')).toBe('clip.mov');
    expect(withExtension('download', null)).toBe('download');
    expect(withExtension('download', 'mov,mp4')).toBe('download');
  });
});
