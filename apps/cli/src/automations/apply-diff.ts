import { structuredPatch } from 'diff';
import { stringify } from 'yaml';
import type { ManagedFields } from './automation-file';
import type { PlannedChange } from './apply-plan';

/**
 * Keys in the order people read an automation (and write it in git); any
 * other key (a kind's options) follows, alphabetically. Both sides of a
 * diff are written this way, so only values show as changes, never order.
 */
const KEY_ORDER = [
  'name',
  'description',
  'status',
  'trigger',
  'kind',
  'event',
  'ref',
  'prop',
  'operator',
  'value',
  'conditions',
  'options',
  'workflow',
  'next',
  'else',
];

function rank(key: string): number {
  const index = KEY_ORDER.indexOf(key);
  return index === -1 ? KEY_ORDER.length : index;
}

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
        .map((key) => [key, ordered(record[key])]),
    );
  }
  return value;
}

/** An automation's managed fields as YAML, keys in reading order: what the diff compares. */
export function automationYaml(fields: Partial<ManagedFields>): string {
  return stringify(ordered(fields), { lineWidth: 0 });
}

export interface DiffStyle {
  added(line: string): string;
  removed(line: string): string;
  header(line: string): string;
}

export const PLAIN: DiffStyle = { added: (l) => l, removed: (l) => l, header: (l) => l };

/** One change as people read it: a line saying what happens, then the unified diff. */
export function formatChange(change: PlannedChange, style: DiffStyle = PLAIN): string {
  switch (change.action) {
    case 'unchanged':
      return `${style.header(`= ${change.name} (${change.id})`)}: no change  [${change.source}]\n`;
    case 'create':
      return `${style.header(`+ ${change.name}`)}: will be created  [${change.source}]\n${unifiedDiff('', automationYaml(change.after), style)}`;
    case 'update':
      return `${style.header(`~ ${change.name} (${change.id})`)}: will be updated (${Object.keys(change.patch).join(', ')})  [${change.source}]\n${unifiedDiff(automationYaml(change.before), automationYaml(change.after), style)}`;
  }
}

/** `Plan: 1 to create, 2 to update, 3 unchanged.` */
export function planSummary(changes: readonly PlannedChange[]): string {
  const count = (action: PlannedChange['action']) =>
    changes.filter((c) => c.action === action).length;
  return `Plan: ${count('create')} to create, ${count('update')} to update, ${count('unchanged')} unchanged.`;
}

/** The hunks of a unified diff (no file headers), three lines of context. */
export function unifiedDiff(before: string, after: string, style: DiffStyle = PLAIN): string {
  const patch = structuredPatch('server', 'file', before, after, '', '', { context: 3 });
  const lines: string[] = [];
  for (const hunk of patch.hunks) {
    // As GNU diff (and jsdiff's own formatPatch) write it: an empty side starts at line 0.
    const oldStart = hunk.oldLines === 0 ? hunk.oldStart - 1 : hunk.oldStart;
    const newStart = hunk.newLines === 0 ? hunk.newStart - 1 : hunk.newStart;
    lines.push(style.header(`@@ -${oldStart},${hunk.oldLines} +${newStart},${hunk.newLines} @@`));
    for (const line of hunk.lines) {
      if (line.startsWith('\\')) continue; // "\ No newline at end of file": both sides end with one
      if (line.startsWith('+')) lines.push(style.added(line));
      else if (line.startsWith('-')) lines.push(style.removed(line));
      else lines.push(line);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
