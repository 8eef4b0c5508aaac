import { assertStorageKey, InvalidStorageKeyError } from './key-validation';
import { attemptPrefix, outputKey, safeFilename, uploadKey } from './storage-keys';

describe('storage keys', () => {
  it('lays out task outputs per attempt and uploads per file (runs.md)', () => {
    expect(outputKey('prj_1', 'task_2', 3, 'web.mp4')).toBe(
      'projects/prj_1/tasks/task_2/3/web.mp4',
    );
    expect(attemptPrefix('prj_1', 'task_2', 3)).toBe('projects/prj_1/tasks/task_2/3/');
    expect(
      outputKey('prj_1', 'task_2', 3, 'x.jpg').startsWith(attemptPrefix('prj_1', 'task_2', 3)),
    ).toBe(true);
    expect(uploadKey('prj_1', 'file_9', 'holiday.mov')).toBe(
      'projects/prj_1/files/file_9/holiday.mov',
    );
  });

  it.each([
    ['a/b.mp4', 'a_b.mp4'],
    ['..\\..\\evil.sh', '_.._evil.sh'],
    ['../../etc/passwd', '_.._etc_passwd'],
    ['.bashrc', 'bashrc'],
    ['...', 'file'],
    ['', 'file'],
    ['  spaced name.mp4  ', 'spaced name.mp4'],
    ['line\nbreak\u0000.txt', 'line_break_.txt'],
    ['café ☕.png', 'café ☕.png'],
  ])('sanitises the filename %j to %j', (input, expected) => {
    expect(safeFilename(input)).toBe(expected);
    expect(() => assertStorageKey(uploadKey('prj_1', 'file_1', input))).not.toThrow();
  });

  it('cuts long names on a character boundary, keeping the extension', () => {
    const name = safeFilename(`${'é'.repeat(300)}.mp4`);
    expect(name.endsWith('é.mp4')).toBe(true);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
  });

  it('refuses ids and attempts that would change the layout', () => {
    expect(() => outputKey('prj/..', 'task_1', 1, 'a')).toThrow(InvalidStorageKeyError);
    expect(() => uploadKey('prj_1', '', 'a')).toThrow(InvalidStorageKeyError);
    expect(() => attemptPrefix('prj_1', 'task_1', 0)).toThrow(InvalidStorageKeyError);
    expect(() => attemptPrefix('prj_1', 'task_1', 1.5)).toThrow(InvalidStorageKeyError);
  });
});
