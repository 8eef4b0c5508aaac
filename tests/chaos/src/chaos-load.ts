import { api } from '@mediaflow/testing';
import { sleep } from './bounded-wait';
import type { RequestRecord } from './chaos-tally';

/** One request that creates a run, sent with its own `Idempotency-Key`. */
export interface ChaosRequest {
  key: string;
  /** Unique to the request: its runs are counted by it. */
  sourceUrl: string;
  path: string;
  body: unknown;
}

export interface LoadOptions {
  baseUrl: string;
  apiKey: string;
  /** Requests under way at once. */
  inFlight: number;
  /** The first this many requests go at once (as fast as `inFlight` allows): a backlog of runs in flight. */
  burst: number;
  /** The other requests' starts are spread evenly over this long, so that the kills fall among them. */
  spreadMs: number;
  /** One attempt is given up (and counts as cut) after this long. */
  attemptTimeoutMs: number;
  /** A request still unanswered this long after its first attempt is given up on. */
  giveUpAfterMs: number;
}

/**
 * Sends every request, each retried with its key until it has an answer
 * that is not ours to retry: a 2xx, or a 4xx other than 429. A network
 * error, a timeout, a 5xx or a 429 is a cut; the retry must get the run the
 * cut request made, if it made one.
 */
export async function sendLoad(
  requests: readonly ChaosRequest[],
  options: LoadOptions,
): Promise<RequestRecord[]> {
  const records = requests.map((request): RequestRecord => ({
    key: request.key,
    sourceUrl: request.sourceUrl,
    answers: [],
    cuts: [],
  }));
  const began = Date.now();
  const spacing = options.spreadMs / Math.max(1, requests.length - options.burst);
  let next = 0;
  const lane = async () => {
    while (next < requests.length) {
      const index = next++;
      await sleep(began + Math.max(0, index - options.burst + 1) * spacing - Date.now());
      await sendUntilAnswered(requests[index]!, records[index]!, options);
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, lane));
  return records;
}

/** Sends each accepted request once more: an answered key must replay its run. */
export async function replayAccepted(
  requests: readonly ChaosRequest[],
  records: readonly RequestRecord[],
  options: LoadOptions,
): Promise<void> {
  const accepted = requests.flatMap((request, index) =>
    records[index]!.answers.length > 0 ? [{ request, record: records[index]! }] : [],
  );
  let next = 0;
  const lane = async () => {
    while (next < accepted.length) {
      const { request, record } = accepted[next++]!;
      await sendUntilAnswered(request, record, options);
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, lane));
}

async function sendUntilAnswered(
  request: ChaosRequest,
  record: RequestRecord,
  options: LoadOptions,
): Promise<void> {
  const deadline = Date.now() + options.giveUpAfterMs;
  for (let attempt = 0; ; attempt++) {
    let retryAfterMs = 0;
    try {
      const answer = await api(options.baseUrl, 'POST', request.path, {
        key: options.apiKey,
        body: request.body,
        headers: { 'idempotency-key': request.key },
        signal: AbortSignal.timeout(options.attemptTimeoutMs),
      });
      if (answer.status >= 200 && answer.status < 300) {
        record.answers.push(String(answer.body?.id));
        return;
      }
      if (answer.status < 500 && answer.status !== 429) {
        record.refused = { status: answer.status, body: answer.body };
        return;
      }
      record.cuts.push(`HTTP ${answer.status} ${answer.body?.error?.code ?? ''}`.trim());
      retryAfterMs = Number(answer.headers.get('retry-after') ?? 0) * 1000;
    } catch (error) {
      record.cuts.push((error as Error).name === 'TimeoutError' ? 'timeout' : 'network');
    }
    if (Date.now() >= deadline) {
      record.unanswered = true;
      return;
    }
    // Backs off to at most 2 s, so a request comes back soon after the process it needs.
    const backoff = Math.min(2_000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
    await sleep(Math.min(2_000, Math.max(backoff, retryAfterMs)));
  }
}
