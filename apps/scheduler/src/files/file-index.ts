import type { FileRow } from './file-row';

/** The files of a set of tasks: by id, and the files each task made besides its output. */
export interface FileIndex {
  /** Every file indexed. */
  readonly rows: readonly FileRow[];
  get(id: string | null): FileRow | undefined;
  /** Files a task made besides its output (the thumbnails sprite), oldest first. */
  linked(task: { id: string; output_file_id: string | null }): FileRow[];
}

export function indexFiles(rows: readonly FileRow[]): FileIndex {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const byTask = new Map<string, FileRow[]>();
  for (const row of rows) {
    if (!row.task_id) continue;
    const list = byTask.get(row.task_id) ?? [];
    list.push(row);
    byTask.set(row.task_id, list);
  }
  return {
    rows,
    get: (id) => (id === null ? undefined : byId.get(id)),
    linked: (task) =>
      (byTask.get(task.id) ?? [])
        .filter((row) => row.id !== task.output_file_id)
        .sort(
          (a, b) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id),
        ),
  };
}
