import { UsageError } from '../cli-errors';
import { runSource } from './run-source';

describe('runSource', () => {
  const files = new Set(['./clip.mp4', 'clip.mp4']);
  const isFile = (p: string) => files.has(p);

  it.each([
    ['https://cdn.example.com/a.mp4', { type: 'url', url: 'https://cdn.example.com/a.mp4' }],
    ['HTTP://127.0.0.1:8000/photo.jpg', { type: 'url', url: 'HTTP://127.0.0.1:8000/photo.jpg' }],
    ['./clip.mp4', { type: 'file', path: './clip.mp4' }],
    ['clip.mp4', { type: 'file', path: 'clip.mp4' }],
  ])('%s', (arg, source) => {
    expect(runSource(arg, isFile)).toEqual(source);
  });

  it('is a usage error for what is neither', () => {
    expect(() => runSource('./missing.mp4', isFile)).toThrow(UsageError);
    expect(() => runSource('ftp://x/a.mp4', isFile)).toThrow(
      '"ftp://x/a.mp4" is neither an http(s) URL nor a file here',
    );
  });
});
