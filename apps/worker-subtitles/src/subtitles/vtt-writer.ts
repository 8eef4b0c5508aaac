import type { Cue } from './cue-layout';
import { cueTimestamp } from './cue-time';

/** Cue text as WebVTT reads it: `&`, `<` and `>` are markup there (and `-->` would end a timing). */
function escapeVtt(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A WebVTT file of the cues; with none, the bare `WEBVTT` header, still a valid file. Pure. */
export function writeVtt(cues: readonly Cue[]): string {
  const blocks = cues.map(
    (cue) =>
      `${cueTimestamp(cue.start, '.')} --> ${cueTimestamp(cue.end, '.')}\n${cue.lines.map(escapeVtt).join('\n')}\n`,
  );
  return ['WEBVTT\n', ...blocks].join('\n');
}
