import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ToolPaths {
  ffmpeg: string;
  ffprobe: string;
}

/** FFMPEG_PATH / FFPROBE_PATH (runs.md), else the tools on PATH. Read at each call, so tests and `doctor` can point elsewhere. */
export function toolPaths(env: NodeJS.ProcessEnv = process.env): ToolPaths {
  return {
    ffmpeg: env.FFMPEG_PATH?.trim() || 'ffmpeg',
    ffprobe: env.FFPROBE_PATH?.trim() || 'ffprobe',
  };
}

export type ToolCheck =
  { path: string; ok: true; version: string } | { path: string; ok: false; error: string };

/** Runs each tool's `-version`: what a `doctor` command shows. Never throws. */
export async function checkTools(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ ffmpeg: ToolCheck; ffprobe: ToolCheck }> {
  const paths = toolPaths(env);
  const [ffmpeg, ffprobe] = await Promise.all([
    checkTool('ffmpeg', paths.ffmpeg),
    checkTool('ffprobe', paths.ffprobe),
  ]);
  return { ffmpeg, ffprobe };
}

async function checkTool(name: string, path: string): Promise<ToolCheck> {
  try {
    const { stdout } = await execFileAsync(path, ['-version'], { timeout: 10_000 });
    const version = new RegExp(`^${name} version (\\S+)`).exec(stdout)?.[1];
    if (!version)
      return { path, ok: false, error: `${path} -version did not print "${name} version …"` };
    return { path, ok: true, version };
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message;
    return { path, ok: false, error: `${name} at ${path}: ${reason}` };
  }
}
