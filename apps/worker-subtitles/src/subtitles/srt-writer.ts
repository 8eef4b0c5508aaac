import type { Cue } from './cue-layout';
import { cueTimestamp } from './cue-time';

/** SRT has no escaping: only an arrow inside the text could be misread as a timing line. */
function cleanSrt(text: string): string {
  return text.replace(/-->/g, '->');
}

/**
 * An SRT file of the cues, numbered from 1. With no cues it is a single
 * line break rather than 0 bytes, which tools (our own probe too) take for
 * a broken upload. Pure.
 */
export function writeSrt(cues: readonly Cue[]): string {
  if (cues.length === 0) return '\n';
  return cues
    .map(
      (cue, i) =>
        `${i + 1}\n${cueTimestamp(cue.start, ',')} --> ${cueTimestamp(cue.end, ',')}\n${cue.lines.map(cleanSrt).join('\n')}\n`,
    )
    .join('\n');
}
