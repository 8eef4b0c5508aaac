import type { Automation, FileObject, List, TaskObject } from '@mediaflow/contracts';
import { automationYaml } from '../automations/apply-diff';
import { progressRows } from '../runs/step-progress';
import { formatBytes, formatDuration, formatTable, formatTime } from './table';

// What each command prints for people; `--json` prints the objects themselves.

export function automationsTable(list: List<Automation>): string {
  return (
    formatTable(
      ['ID', 'NAME', 'STATUS', 'STEPS', 'TRIGGER', 'UPDATED'],
      list.data.map((a) => [
        a.id,
        a.name,
        a.status,
        String(countSteps(a.workflow)),
        a.trigger ? a.trigger.event : '-',
        formatTime(a.updated_at),
      ]),
    ) + pageLine(list)
  );
}

function countSteps(steps: readonly { next?: unknown[]; else?: unknown[] }[]): number {
  return steps.reduce(
    (n, step) =>
      n +
      1 +
      countSteps((step.next ?? []) as typeof steps) +
      countSteps((step.else ?? []) as typeof steps),
    0,
  );
}

/**
 * An automation as YAML that `mediaflow automations apply -f` takes back:
 * `mediaflow automations get X > x.yaml` starts a file to keep in git. Its
 * status is in the comment, not a field: a file that names a status holds
 * the automation to it, undoing a pause made by hand.
 */
export function automationDocument(automation: Automation): string {
  return (
    `# ${automation.id} (${automation.status}), updated ${formatTime(automation.updated_at)} UTC\n` +
    automationYaml({
      name: automation.name,
      description: automation.description,
      trigger: automation.trigger,
      workflow: automation.workflow,
    })
  );
}

export function tasksTable(list: List<TaskObject>): string {
  return (
    formatTable(
      ['ID', 'KIND', 'STATUS', 'PROGRESS', 'AUTOMATION', 'CREATED'],
      list.data.map((t) => [
        t.id,
        t.kind,
        t.status,
        `${Math.floor(t.status === 'completed' ? 100 : t.progress)}%`,
        t.automation_id ?? '-',
        formatTime(t.created_at),
      ]),
    ) + pageLine(list)
  );
}

/** A task, and for a run each step with its status, output and why it failed or was skipped. */
export function taskDescription(task: TaskObject): string {
  const lines = [
    `${task.id}  ${task.kind}  ${task.status}  ${Math.floor(task.status === 'completed' ? 100 : task.progress)}%`,
  ];
  if (task.automation_id) lines.push(`automation: ${task.automation_id}`);
  if (task.input)
    lines.push(`input:      ${task.input.id} ${task.input.filename} (${fileSummary(task.input)})`);
  lines.push(
    `created:    ${formatTime(task.created_at)}  finished: ${formatTime(task.finished_at)}${
      task.started_at !== null && task.finished_at !== null
        ? `  (${formatDuration(task.finished_at - task.started_at)})`
        : ''
    }`,
  );
  if (task.error) lines.push(`error:      ${task.error.message} (${task.error.code})`);
  if (task.kind !== 'workflow') {
    const output = outputSummary(task);
    if (output) lines.push(`output:     ${output}`);
    return `${lines.join('\n')}\n`;
  }
  const byId = new Map(flatten(task).map((s) => [s.id, s]));
  const rows = progressRows(task);
  lines.push(
    '',
    formatTable(
      ['STEP', 'KIND', 'STATUS', 'OUTPUT'],
      rows.map((row) => {
        const step = byId.get(row.id)!;
        return [
          `${'  '.repeat(row.depth)}${row.label}`,
          step.kind,
          row.status === 'processing' ? `processing ${row.percent}%` : row.status,
          row.note ?? outputSummary(step) ?? '-',
        ];
      }),
    ).trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

function flatten(task: TaskObject): TaskObject[] {
  const all: TaskObject[] = [];
  const visit = (nodes: readonly TaskObject[] | undefined) => {
    for (const n of nodes ?? []) {
      all.push(n);
      visit(n.next);
      visit(n.else);
    }
  };
  visit(task.workflow);
  return all;
}

/** `file_… web.mp4 (video mp4 1280×720 3.0 s, 1.2 MB)`, or a data result in short. */
function outputSummary(task: TaskObject): string | null {
  const output = task.output;
  if (output === null) return null;
  if ((output as { object?: unknown }).object === 'file') {
    const f = output as FileObject & { files?: FileObject[] };
    const linked = f.files?.length ? ` + ${f.files.length} linked file(s)` : '';
    return `${f.id} ${f.filename} (${fileSummary(f)})${linked}`;
  }
  const text = JSON.stringify(output);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function fileSummary(file: FileObject): string {
  return [
    file.kind,
    file.format,
    file.width !== null && file.height !== null ? `${file.width}×${file.height}` : null,
    file.duration !== null ? `${file.duration.toFixed(1)} s` : null,
  ]
    .filter(Boolean)
    .join(' ')
    .concat(`, ${formatBytes(file.filesize)}`);
}

export function filesTable(list: List<FileObject>): string {
  return (
    formatTable(
      ['ID', 'FILENAME', 'KIND', 'FORMAT', 'SIZE', 'CREATED'],
      list.data.map((f) => [
        f.id,
        f.filename,
        f.kind,
        f.format ?? '-',
        formatBytes(f.filesize),
        formatTime(f.created_at),
      ]),
    ) + pageLine(list)
  );
}

export function fileDescription(file: FileObject & { triggered_runs?: string[] }): string {
  const lines = [
    `${file.id}  ${file.filename}`,
    `kind:     ${fileSummary(file)}`,
    `mimetype: ${file.mimetype}`,
    `created:  ${formatTime(file.created_at)}`,
    `url:      ${file.url}`,
  ];
  if (file.triggered_runs?.length) lines.push(`runs:     ${file.triggered_runs.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function pageLine(list: List<unknown>): string {
  const { page, pages, total } = list.meta;
  return pages > 1 ? `(page ${page} of ${pages}, ${total} in all: --page N for more)\n` : '';
}

/** `Run task_… completed in 4.2 s: 3 completed, 1 skipped.` (or why it failed). */
export function runSummaryLine(task: TaskObject): string {
  const took =
    task.started_at !== null && task.finished_at !== null
      ? ` in ${formatDuration(task.finished_at - task.started_at)}`
      : '';
  const counts = task.steps_summary
    ? Object.entries(task.steps_summary)
        .filter(([, n]) => n > 0)
        .map(([status, n]) => `${n} ${status}`)
        .join(', ')
    : '';
  const why = task.error ? ` ${task.error.message} (${task.error.code})` : '';
  return `${task.kind === 'workflow' ? 'Run' : 'Task'} ${task.id} ${task.status}${took}${counts ? `: ${counts}.` : '.'}${why}\n`;
}
