import { CREATED, LATER, PROJECT, fileRow } from '../../test/fixtures/rows';
import { fileEvent } from './file-events';
import { toStoredFile } from './stored-file';

describe('fileEvent', () => {
  const row = fileRow({ id: 'file_aaaaaaaaaaaaaaaa', task_id: 'task_ingest0000000000' });

  it('is the file as recorded, in no run, at its creation', () => {
    const entry = fileEvent('file.created', row);
    expect(entry).toEqual({
      project_id: PROJECT,
      run_id: null,
      task_id: null,
      automation_id: null,
      event: {
        id: expect.stringMatching(/^evt_[a-z0-9]{16}$/),
        type: 'file.created',
        created_at: Math.floor(CREATED.getTime() / 1000),
        data: toStoredFile(row),
      },
    });
  });

  it('names the same news alike every time, and each type of each file apart', () => {
    const created = fileEvent('file.created', row).event.id;
    expect(fileEvent('file.created', { ...row }).event.id).toBe(created);
    expect(fileEvent('file.deleted', row).event.id).not.toBe(created);
    expect(fileEvent('file.created', { ...row, id: 'file_bbbbbbbbbbbbbbbb' }).event.id).not.toBe(
      created,
    );
  });

  it('dates a deletion when it was deleted', () => {
    expect(fileEvent('file.deleted', { ...row, deleted_at: LATER }).event.created_at).toBe(
      Math.floor(LATER.getTime() / 1000),
    );
  });
});
