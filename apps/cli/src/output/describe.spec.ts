import type { Automation, List } from '@mediaflow/contracts';
import { file, run, task } from '../testing/task-fixtures';
import { automationDocument, automationsTable, taskDescription } from './describe';
import { formatBytes, formatDuration, formatTable, formatTime } from './table';

const list = <T>(
  data: T[],
  meta = { page: 1, limit: 20, total: data.length, pages: 1 },
): List<T> => ({
  object: 'list',
  data,
  meta,
});

const automation: Automation = {
  id: 'auto_1',
  object: 'automation',
  name: 'Short video',
  description: null,
  workflow: [
    { kind: 'video', options: { width: 1280 }, ref: 'web', next: [{ kind: 'thumbnails' }] },
    { kind: 'audio' },
  ],
  trigger: { kind: 'event', event: 'file.created', conditions: [] },
  status: 'active',
  created_at: 1796000000,
  updated_at: 1796000000,
};

describe('formatTable', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(
      formatTable(
        ['ID', 'NAME'],
        [
          ['auto_1', 'A'],
          ['x', 'Longer name'],
        ],
      ),
    ).toBe('ID      NAME\nauto_1  A\nx       Longer name\n');
  });
});

describe('small formats', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 KB'],
    [1_234_567, '1.2 MB'],
  ])('formatBytes(%i) = %s', (n, text) => expect(formatBytes(n)).toBe(text));

  it('formatTime is UTC, formatDuration reads naturally', () => {
    expect(formatTime(0)).toBe('1970-01-01 00:00:00');
    expect(formatTime(null)).toBe('-');
    expect(formatDuration(3)).toBe('3.0 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
  });
});

describe('automations', () => {
  it('a table counting nested steps, with a hint when there are more pages', () => {
    const text = automationsTable(list([automation], { page: 1, limit: 1, total: 3, pages: 3 }));
    expect(text.split('\n')).toEqual([
      'ID      NAME         STATUS  STEPS  TRIGGER       UPDATED',
      'auto_1  Short video  active  3      file.created  2026-11-30 00:53:20',
      '(page 1 of 3, 3 in all: --page N for more)',
      '',
    ]);
  });

  it('a document that apply takes back', () => {
    expect(automationDocument(automation)).toBe(
      [
        '# auto_1 (active), updated 2026-11-30 00:53:20 UTC',
        'name: Short video',
        'description: null',
        'trigger:',
        '  kind: event',
        '  event: file.created',
        '  conditions: []',
        'workflow:',
        '  - kind: video',
        '    ref: web',
        '    options:',
        '      width: 1280',
        '    next:',
        '      - kind: thumbnails',
        '  - kind: audio',
        '',
      ].join('\n'),
    );
  });
});

describe('taskDescription', () => {
  it('a run: its steps with status, output, and why one failed', () => {
    const text = taskDescription(
      run(
        [
          task({
            kind: 'video',
            ref: 'web',
            status: 'completed',
            output: file({ id: 'file_out', filename: 'clip.mp4', filesize: 1_200_000 }),
          }),
          task({
            kind: 'audio',
            status: 'failed',
            error: { code: 'no_audio_stream', message: 'no audio' },
          }),
          task({ kind: 'nsfw', status: 'completed', output: { nsfw: false } }),
        ],
        {
          id: 'task_run',
          status: 'failed',
          progress: 66,
          started_at: 100,
          finished_at: 103,
          error: { code: 'no_audio_stream', message: 'no audio' },
        },
      ),
    );
    expect(text).toContain('task_run  workflow  failed  66%\n');
    expect(text).toContain('error:      no audio (no_audio_stream)\n');
    expect(text).toContain('(3.0 s)');
    expect(text).toMatch(
      /web +video +completed +file_out clip\.mp4 \(video mp4 640×360 3\.0 s, 1\.2 MB\)/,
    );
    expect(text).toMatch(/audio-1 +audio +failed +no audio \(no_audio_stream\)/);
    expect(text).toMatch(/nsfw-1 +nsfw +completed +\{"nsfw":false\}/);
  });
});
