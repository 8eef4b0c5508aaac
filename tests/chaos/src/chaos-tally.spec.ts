import { tallyChaos, type RequestRecord, type RunFacts, type TaskFacts } from './chaos-tally';

// The detector the chaos rounds trust: each kind of loss and duplication
// it must see, one at a time, on a run of an ingest and one image step.

const SHAPE = {
  tasksPerRun: 2,
  outputsPerKind: { ingest: 1, image: 1 },
  inputErrors: ['unsupported_input'],
};

const answered = (key: string, ...answers: string[]): RequestRecord => ({
  key,
  sourceUrl: `http://127.0.0.1/photo.jpg?chaos=${key}`,
  answers,
  cuts: [],
});

const task = (id: string, kind: string, overrides: Partial<TaskFacts> = {}): TaskFacts => ({
  id,
  kind,
  status: 'completed',
  errorCode: null,
  files: [{ key: `projects/p/tasks/${id}/1/out`, stored: true }],
  unrecorded: [],
  ...overrides,
});

const run = (id: string, key: string, overrides: Partial<RunFacts> = {}): RunFacts => ({
  id,
  sourceUrl: `http://127.0.0.1/photo.jpg?chaos=${key}`,
  status: 'completed',
  tasks: [task(`${id}-ingest`, 'ingest'), task(`${id}-image`, 'image')],
  ...overrides,
});

describe('tallyChaos', () => {
  it('counts a clean round: every request answered once, its run completed with its outputs', () => {
    const cut = { ...answered('b', 'run_b'), cuts: ['network', 'HTTP 503 service_unavailable'] };
    const tally = tallyChaos(
      [answered('a', 'run_a', 'run_a'), cut],
      [run('run_a', 'a'), run('run_b', 'b')],
      SHAPE,
    );
    expect(tally).toEqual({
      sent: 2,
      accepted: 2,
      completed: 2,
      failed: 0,
      lost: 0,
      duplicated: 0,
      retriedAfterCut: 1,
      orphanedOutputs: 0,
      findings: [],
    });
  });

  it.each<[string, RunFacts[], string]>([
    ['no run at all', [], 'lost: a no run in PostgreSQL'],
    [
      'a run that never ended',
      [run('run_a', 'a', { status: 'processing' })],
      'run_a is processing',
    ],
    [
      'a run missing a task',
      [run('run_a', 'a', { tasks: [task('i', 'ingest')] })],
      'has 1 tasks, not 2',
    ],
    [
      'a completed task without its file',
      [run('run_a', 'a', { tasks: [task('i', 'ingest'), task('m', 'image', { files: [] })] })],
      'task m (image) recorded 0 files, not 1',
    ],
    [
      'a recorded file missing from storage',
      [
        run('run_a', 'a', {
          tasks: [
            task('i', 'ingest'),
            task('m', 'image', { files: [{ key: 'k', stored: false }] }),
          ],
        }),
      ],
      'k is not in storage',
    ],
    [
      'a completed run with a step still waiting',
      [
        run('run_a', 'a', {
          tasks: [task('i', 'ingest'), task('m', 'image', { status: 'waiting' })],
        }),
      ],
      'completed with task m (image) waiting',
    ],
  ])('counts as lost an accepted request with %s', (_case, runs, finding) => {
    const tally = tallyChaos([answered('a', 'run_a')], runs, SHAPE);
    expect(tally).toMatchObject({ accepted: 1, completed: 0, lost: 1, duplicated: 0 });
    expect(tally.findings.join('\n')).toContain(finding);
  });

  it.each<[string, RequestRecord, RunFacts[], string]>([
    [
      'two runs for one key',
      answered('a', 'run_a'),
      [run('run_a', 'a'), run('run_x', 'a')],
      '2 runs: run_a, run_x',
    ],
    [
      'a retry answered with another run',
      answered('a', 'run_a', 'run_x'),
      [run('run_a', 'a')],
      'answered with different runs: run_a, run_x',
    ],
    [
      'an answer naming a run that is not its own',
      answered('a', 'run_x'),
      [run('run_a', 'a')],
      'answered run_x',
    ],
    [
      'a step made twice',
      answered('a', 'run_a'),
      [run('run_a', 'a', { tasks: [task('i', 'ingest'), task('m', 'image'), task('n', 'image')] })],
      'has 3 tasks, not 2',
    ],
    [
      'an output recorded twice',
      answered('a', 'run_a'),
      [
        run('run_a', 'a', {
          tasks: [
            task('i', 'ingest'),
            task('m', 'image', {
              files: [
                { key: 'projects/p/tasks/m/1/out', stored: true },
                { key: 'projects/p/tasks/m/2/out', stored: true },
              ],
            }),
          ],
        }),
      ],
      'task m (image) recorded 2 files, not 1',
    ],
  ])('counts as duplicated %s', (_case, request, runs, finding) => {
    const tally = tallyChaos([request], runs, SHAPE);
    expect(tally.duplicated).toBe(1);
    expect(tally.findings.join('\n')).toContain(finding);
  });

  it('counts a run no request asked for as duplicated', () => {
    const tally = tallyChaos(
      [answered('a', 'run_a')],
      [run('run_a', 'a'), run('run_z', 'z')],
      SHAPE,
    );
    expect(tally).toMatchObject({ completed: 1, duplicated: 1 });
    expect(tally.findings).toEqual([expect.stringContaining('run run_z answers no request')]);
  });

  it('counts failed runs, and finds those that were not the input’s fault', () => {
    const failedWith = (key: string, code: string) =>
      run(`run_${key}`, key, {
        status: 'failed',
        tasks: [
          task('i', 'ingest'),
          task(`m_${key}`, 'image', { status: 'failed', errorCode: code, files: [] }),
        ],
      });
    const tally = tallyChaos(
      [answered('a', 'run_a'), answered('b', 'run_b')],
      [failedWith('a', 'unsupported_input'), failedWith('b', 'timeout')],
      SHAPE,
    );
    expect(tally).toMatchObject({ accepted: 2, failed: 2, lost: 0, completed: 0 });
    expect(tally.findings).toEqual(['failed: b run run_b task m_b (image) timeout']);
  });

  it('does not count as accepted what was refused or never answered, and says so', () => {
    const refused = {
      ...answered('a'),
      refused: { status: 409, body: { error: { code: 'conflict' } } },
    };
    const unanswered = { ...answered('b'), cuts: ['network', 'network'], unanswered: true };
    const tally = tallyChaos([refused, unanswered], [], SHAPE);
    expect(tally).toMatchObject({ sent: 2, accepted: 0, lost: 0 });
    expect(tally.findings).toEqual([
      'refused: a HTTP 409 {"error":{"code":"conflict"}}',
      'unanswered: b after 2 cut attempts',
    ]);
  });

  it('counts outputs left in storage that no row records', () => {
    const orphaned = run('run_a', 'a', {
      tasks: [
        task('i', 'ingest'),
        task('m', 'image', { unrecorded: ['projects/p/tasks/m/1/out'] }),
      ],
    });
    const tally = tallyChaos([answered('a', 'run_a')], [orphaned], SHAPE);
    expect(tally).toMatchObject({ completed: 1, orphanedOutputs: 1 });
    expect(tally.findings).toEqual([
      'orphaned output: a run run_a task m (image) projects/p/tasks/m/1/out',
    ]);
  });
});
