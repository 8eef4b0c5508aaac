import { storedFile } from '../../test/stored-file';
import { presentFileWithRuns } from './present-file';

describe('presentFileWithRuns', () => {
  it('signs the file, keeps its triggered runs, and never shows where its bytes are', () => {
    const runs = ['task_dddddddddddddddd', 'task_eeeeeeeeeeeeeeee'];
    const file = storedFile('file_cccccccccccccccc');
    const presented = presentFileWithRuns(
      { ...file, triggered_runs: runs },
      (f) => `https://media.test/files/${f.id}/content?signed`,
    );
    expect(presented).toMatchObject({
      id: file.id,
      object: 'file',
      width: 320,
      task_id: file.task_id,
      url: `https://media.test/files/${file.id}/content?signed`,
      triggered_runs: runs,
    });
    expect(presented).not.toHaveProperty('storage_key');
    expect(presented).not.toHaveProperty('project_id');
  });
});
