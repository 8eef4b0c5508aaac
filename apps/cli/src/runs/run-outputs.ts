import type { FileObject, TaskObject } from '@mediaflow/contracts';
import path from 'node:path';
import { flattenSteps, stepLabels } from './step-labels';

/** One thing `--out` writes, at `name` inside the folder. */
export type OutputDownload =
  | { type: 'file'; label: string; name: string; file: FileObject }
  /** A track whose cues point at files saved beside it: the links are made local. */
  | {
      type: 'track';
      label: string;
      name: string;
      file: FileObject;
      links: { fileId: string; filename: string; name: string }[];
    }
  /** A data kind's JSON result (summary, nsfw, speech), saved as `<label>.json`. */
  | { type: 'data'; label: string; name: string; data: Record<string, unknown> };

type OutputFile = FileObject & { files?: FileObject[] };

function isFile(output: TaskObject['output']): output is OutputFile {
  return output !== null && (output as { object?: unknown }).object === 'file';
}

/**
 * Every output of a run's completed steps, each named by its step's label
 * (docs: `--out`): `web.mp4`, `image-1.jpg`, `summary-1.json`; a thumbnails
 * step's track as `scrub.vtt` with its sprite sheets as `scrub-sprite.jpg`.
 */
export function planOutputs(task: TaskObject): OutputDownload[] {
  const steps = flattenSteps(task);
  const labels = stepLabels(steps);
  const taken = new Set<string>();
  const claim = (wanted: string): string => {
    const { name, ext } = path.parse(wanted);
    let candidate = wanted;
    for (let n = 2; taken.has(candidate); n++) candidate = `${name}-${n}${ext}`;
    taken.add(candidate);
    return candidate;
  };

  const downloads: OutputDownload[] = [];
  for (const step of steps) {
    // A conditions step passes its input on: its "output" is no new file.
    if (step.status !== 'completed' || step.output === null || step.kind === 'conditions') continue;
    const label = labels.get(step.id) ?? step.kind;
    const output = step.output;
    if (!isFile(output)) {
      downloads.push({ type: 'data', label, name: claim(`${label}.json`), data: output });
      continue;
    }
    const name = claim(`${label}${extensionOf(output)}`);
    const linked = output.files ?? [];
    if (linked.length === 0) {
      downloads.push({ type: 'file', label, name, file: output });
      continue;
    }
    const links = linked.map((file) => ({
      fileId: file.id,
      filename: file.filename,
      name: claim(`${label}-${safeName(file.filename)}`),
    }));
    downloads.push({ type: 'track', label, name, file: output, links });
    for (const [i, file] of linked.entries()) {
      downloads.push({ type: 'file', label, name: links[i]!.name, file });
    }
  }
  return downloads;
}

/** `.mp4` from the output's file name, else from its format, else none. */
function extensionOf(file: FileObject): string {
  const ext = path.extname(safeName(file.filename));
  if (ext) return ext.toLowerCase();
  return file.format ? `.${file.format}` : '';
}

/** A file name from the server, made safe to join to a folder: no separators, no dot-files. */
export function safeName(filename: string): string {
  const cleaned = path
    .basename(filename.replace(/\\/g, '/'))
    .replace(/[^\w.-]/g, '_')
    .replace(/^\.+/, '');
  return cleaned || 'file';
}

/**
 * A thumbnails track downloaded through the gateway points each cue at its
 * sheet's signed URL (`https://…/files/file_…/content?…#xywh=…`), which
 * expires. Saved beside its sheets, each cue points at the saved sheet
 * instead, so the folder plays offline. Lines that are not such cues are
 * kept byte for byte.
 */
export function localiseTrackLinks(
  track: string,
  links: readonly { fileId: string; filename: string; name: string }[],
): string {
  return track
    .split('\n')
    .map((line) => {
      const hash = line.indexOf('#xywh=');
      if (hash <= 0) return line;
      const target = line.slice(0, hash);
      const link = links.find(
        (l) =>
          target === encodeURIComponent(l.filename) ||
          target.includes(`/files/${l.fileId}/content`),
      );
      return link ? `${encodeURIComponent(link.name)}${line.slice(hash)}` : line;
    })
    .join('\n');
}
