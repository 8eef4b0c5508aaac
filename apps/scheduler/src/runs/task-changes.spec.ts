import { taskRow } from '../../test/fixtures/rows';
import { changedRowIds, changedTasks } from './task-changes';

const RUN = 'task_run0000000000000';
const STEP = 'task_step000000000000';

describe('changedRowIds', () => {
  const before = [
    taskRow({ id: RUN, run_id: RUN, kind: 'workflow', status: 'processing', progress: 0 }),
    taskRow({ id: STEP, run_id: RUN, parent_id: RUN, status: 'pending', attempt: 1 }),
  ];

  it.each([
    ['nothing a reader sees', {}, []],
    ['a status', { status: 'processing' as const }, [STEP]],
    ['a progress', { progress: 40 }, [STEP]],
    ['an attempt', { attempt: 2 }, [STEP]],
    // Columns no reader of status and progress looks at.
    ['a sign of life', { last_heard_at: new Date() }, []],
  ])('names the rows whose state moved: %s', (_what, step, changed) => {
    const after = [before[0]!, { ...before[1]!, ...step }];
    expect(changedRowIds(before, after)).toEqual(changed);
  });

  it('names rows that were not there before', () => {
    const added = taskRow({ id: 'task_new0000000000000', run_id: RUN, parent_id: RUN });
    expect(changedRowIds(before, [...before, added])).toEqual([added.id]);
  });
});

describe('changedTasks', () => {
  const root = { id: RUN, project_id: 'prj_aaaaaaaaaaaaaaaa' };

  it("names each task once, with the run's project", () => {
    expect(changedTasks(root, [STEP, RUN, STEP])).toEqual({
      project_id: root.project_id,
      run_id: RUN,
      task_ids: [STEP, RUN],
    });
    expect(changedTasks(root, [RUN], { created: true })).toMatchObject({ created: true });
  });

  it('is nothing to announce when no task changed', () => {
    expect(changedTasks(root, [])).toBeUndefined();
  });
});
