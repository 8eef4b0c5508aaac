import { fileRow, taskRow } from '../../test/fixtures/rows';
import { indexFiles } from '../files/file-index';
import { withChanges, type LoadedRun } from './run-loader';
import { splitRun } from './run-rows';

const RUN = 'task_run0000000000000';
const STEP = 'task_step000000000000';

describe('withChanges', () => {
  const rows = [
    taskRow({ id: RUN, run_id: RUN, kind: 'workflow', status: 'processing' }),
    taskRow({ id: STEP, run_id: RUN, parent_id: RUN, status: 'processing', attempt: 1 }),
  ];
  const source = fileRow({ id: 'file_source0000000000' });
  const run: LoadedRun = { ...splitRun(rows, RUN), rows, files: indexFiles([source]) };

  it('is the run a reload would read: changed rows replaced, added files indexed', () => {
    const recorded = { ...rows[1]!, progress: 100 };
    const output = fileRow({ id: 'file_output0000000000', task_id: STEP });
    const now = withChanges(run, [recorded], [output]);
    expect(now.rows).toEqual([rows[0], recorded]);
    expect(now.steps.map((row) => row.progress)).toEqual([100]);
    expect(now.files.get(output.id)).toBe(output);
    expect(now.files.get(source.id)).toBe(source);
    expect(now.files.rows).toHaveLength(2);
  });

  it('leaves the run it was given as it was', () => {
    withChanges(run, [{ ...rows[1]!, status: 'completed' }], []);
    expect(run.rows[1]!.status).toBe('processing');
    expect(run.files.rows).toEqual([source]);
  });
});
