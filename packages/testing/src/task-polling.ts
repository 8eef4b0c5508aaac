import sharp from 'sharp';
import type { client } from './api-client';

type Api = ReturnType<typeof client>;

const FINAL = ['completed', 'failed', 'cancelled', 'skipped'];

/** Polls a task until it is final (or `until` holds), failing with its last state on timeout. */
export async function waitForTask(
  api: Api,
  id: string,
  until?: (task: any) => boolean,
  timeoutMs = 90_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    const res = await api('GET', `/tasks/${id}`);
    if (res.status !== 200)
      throw new Error(`GET /tasks/${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    last = res.body;
    if (until ? until(last) : FINAL.includes(last.status)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`task ${id} not done in ${timeoutMs} ms: ${JSON.stringify(last, null, 1)}`);
}

interface StepTree<T> {
  workflow?: T[];
  next?: T[];
  else?: T[];
}

/** Every step of a run's tree, depth first (a task object, a task record, or a parsed answer). */
export function stepsOf<T extends StepTree<T> = any>(task: T): T[] {
  const out: T[] = [];
  const visit = (steps: T[] | undefined) => {
    for (const step of steps ?? []) {
      out.push(step);
      visit(step.next);
      visit(step.else);
    }
  };
  visit(task.workflow);
  return out;
}

/** Downloads a file through its signed URL, without a key, and reads its image metadata. */
export async function downloadImage(url: string): Promise<sharp.Metadata & { bytes: number }> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { ...(await sharp(bytes).metadata()), bytes: bytes.length };
}
