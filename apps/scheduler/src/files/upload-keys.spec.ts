import { uploadKey } from '@mediaflow/storage';
import { isUploadKeyOf } from './upload-keys';

const PROJECT = 'prj_aaaaaaaaaaaaaaaa';
const FILE = 'file_bbbbbbbbbbbbbbbb';

describe('isUploadKeyOf', () => {
  it("takes the project's upload keys", () => {
    expect(isUploadKeyOf(PROJECT, uploadKey(PROJECT, FILE, 'upload'))).toBe(true);
    expect(isUploadKeyOf(PROJECT, `projects/${PROJECT}/files/${FILE}/clip.mp4`)).toBe(true);
  });

  it.each([
    ["another project's", uploadKey('prj_cccccccccccccccc', FILE, 'upload')],
    ["a task's output", `projects/${PROJECT}/tasks/task_dddddddddddddddd/1/out.jpg`],
    ['one without a file id', `projects/${PROJECT}/files/x/upload`],
    ['one with a directory more', `projects/${PROJECT}/files/${FILE}/a/upload`],
    ['one climbing out', `projects/${PROJECT}/files/${FILE}/..`],
    ['one naming a hidden file', `projects/${PROJECT}/files/${FILE}/.upload`],
    ['an empty one', ''],
  ])('refuses %s key', (_name, key) => {
    expect(isUploadKeyOf(PROJECT, key)).toBe(false);
  });
});
