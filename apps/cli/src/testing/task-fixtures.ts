import type { FileObject, TaskObject } from '@mediaflow/contracts';

// Task trees for the specs, shaped as GET /tasks/:id answers them (not built into dist).

let seq = 0;

export function file(fields: Partial<FileObject> = {}): FileObject {
  seq++;
  return {
    id: `file_${seq}`,
    object: 'file',
    kind: 'video',
    mimetype: 'video/mp4',
    format: 'mp4',
    width: 640,
    height: 360,
    duration: 3,
    fps: 30,
    filesize: 1000,
    has_audio: true,
    has_video: true,
    language: null,
    filename: 'clip.mp4',
    ref: null,
    url: `http://127.0.0.1:3000/files/file_${seq}/content?expires=9&signature=s`,
    task_id: null,
    created_at: 1,
    ...fields,
  };
}

export function task(fields: Partial<TaskObject> = {}): TaskObject {
  seq++;
  return {
    id: `task_${seq}`,
    object: 'task',
    kind: 'image',
    automation_id: null,
    parent_id: null,
    ref: null,
    input: null,
    options: {},
    status: 'pending',
    progress: 0,
    output: null,
    error: null,
    skip_reason: null,
    attempts: 0,
    attempt_history: [],
    created_at: 1,
    updated_at: 1,
    started_at: null,
    finished_at: null,
    webhook_url: null,
    ...fields,
  };
}

export function run(workflow: TaskObject[], fields: Partial<TaskObject> = {}): TaskObject {
  return task({ kind: 'workflow', workflow, automation_id: 'auto_1', ...fields });
}
