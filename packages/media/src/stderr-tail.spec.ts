import { redactPaths, StderrTail } from './stderr-tail';

describe('StderrTail', () => {
  it('keeps the last non-empty lines, the unterminated one included', () => {
    const tail = new StderrTail(3);
    tail.push('one\ntwo\n\nthree\r\nfo');
    tail.push('ur\nfive');
    expect(tail.last(10)).toEqual(['three', 'four', 'five']);
    expect(tail.last(2)).toEqual(['four', 'five']);
  });
});

describe('redactPaths', () => {
  it('shows only base names of the paths among the arguments', () => {
    const args = ['-i', 'file:/srv/work/task_1/in.mp4', '-y', '/srv/work/task_1/out.png'];
    expect(
      redactPaths(
        'file:/srv/work/task_1/in.mp4: Invalid data; /srv/work/task_1/out.png: denied',
        args,
      ),
    ).toBe('in.mp4: Invalid data; out.png: denied');
  });
});
