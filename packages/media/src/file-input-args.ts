/**
 * `file:` only, for ffmpeg and ffprobe: a crafted playlist (HLS, concat)
 * cannot make them reach the network or any other protocol.
 */
export const FILE_PROTOCOL_ONLY: readonly string[] = ['-protocol_whitelist', 'file'];

/** The input side of an ffmpeg command that reads one local file. */
export function fileInputArgs(path: string): string[] {
  return [...FILE_PROTOCOL_ONLY, '-i', `file:${path}`];
}
