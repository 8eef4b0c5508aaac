/**
 * The content-understanding kinds with their offline providers, in one run:
 *  - speech: seconds of speech transcribed per second of CPU (the recogniser's
 *    own CPU, read from the kernel's child-process accounting) and per wall
 *    second, by the `local` provider on the LibriVox recordings of
 *    pocketsphinx-testdata, with its word error rate;
 *  - summary: the `local` summariser's latency on a transcript-sized text,
 *    called directly and as a `summary` task through the whole system
 *    (run request to completed).
 * Prints a table and writes JSON under bench/results/. NSFW images per
 * second per backend is `pnpm bench:nsfw`.
 *
 *   pnpm bench:understanding [rounds]
 */
import { readFileSync } from 'node:fs';
import { LocalSpeechProvider, wordErrorRate } from '@mediaflow/speech';
import {
  ALL_APPS,
  client,
  Fixtures,
  librivoxRecordings,
  System,
  waitForTask,
} from '@mediaflow/testing';
import { extractiveSummary } from '@mediaflow/worker-summary';
import { writeResults } from './results';
import { median, percentile, table } from './stats';

const ROUNDS = Number(process.argv[2] ?? 3);
const SUMMARY_SAMPLES = 10;

/** CPU seconds used by reaped child processes so far (Linux: /proc/self/stat cutime + cstime, in clock ticks). */
function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: field 3 is state, so cutime and cstime (16 and 17) sit at 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

async function benchSpeech() {
  const recordings = await librivoxRecordings();
  const audioSeconds = recordings.reduce(
    (sum, r) => sum + (readFileSync(r.wavPath).length - 44) / 32_000,
    0,
  );
  const provider = new LocalSpeechProvider();
  const rounds: { wall: number; cpu: number; wer: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const cpuBefore = childCpuSeconds();
    const began = performance.now();
    const hypotheses: string[] = [];
    for (const recording of recordings) {
      const transcript = await provider.transcribe(recording.wavPath, {
        language: 'en',
        signal: new AbortController().signal,
      });
      hypotheses.push(transcript.text);
    }
    rounds.push({
      wall: (performance.now() - began) / 1000,
      cpu: childCpuSeconds() - cpuBefore,
      wer: wordErrorRate(
        recordings.map((r, j) => ({ reference: r.reference, hypothesis: hypotheses[j]! })),
      ),
    });
  }
  return { provider: provider.name, files: recordings.length, audio_seconds: audioSeconds, rounds };
}

/** A transcript-sized text: about 600 words of plain sentences. */
function sampleText(): string {
  const sentences = [
    'The city council met on Tuesday to discuss the new budget for public transport.',
    'Several members argued that bus routes in the north had been neglected for years.',
    'The mayor proposed a plan to add three new lines and extend evening service.',
    'Critics said the plan would raise fares without improving reliability.',
    'A local business owner described how late buses cost her employees their shifts.',
    'Engineers presented data showing that ridership had grown by twelve percent.',
    'The council agreed to hold a public hearing before the final vote next month.',
    'Residents can submit comments online or attend the hearing in person.',
  ];
  return Array.from({ length: 7 }, () => sentences.join(' ')).join(' ');
}

function vttTime(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}.000`;
}

async function benchSummary() {
  const text = sampleText();
  const direct: number[] = [];
  for (let i = 0; i < SUMMARY_SAMPLES; i++) {
    const began = performance.now();
    extractiveSummary({ text }, { maxWords: 60, style: 'paragraph', language: 'en' });
    direct.push(performance.now() - began);
  }

  const fixtures = new Fixtures();
  // One cue per sentence, five seconds apart.
  const cues = text
    .split(/(?<=\.) /)
    .map((sentence, i) => `${vttTime(i * 5)} --> ${vttTime(i * 5 + 4)}\n${sentence}`);
  const track = `WEBVTT\n\n${cues.join('\n\n')}\n`;
  fixtures.write('talk.vtt', track);
  const system = await System.start(ALL_APPS, { LOG_LEVEL: 'error' });
  try {
    const api = client(system.baseUrl, system.adminKey);
    const upload = await fetch(`${system.baseUrl}/files?filename=talk.vtt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.adminKey}`, 'content-type': 'text/vtt' },
      body: readFileSync(fixtures.path('talk.vtt')),
    });
    const file = (await upload.json()) as { id: string; kind: string };
    if (upload.status !== 201 || file.kind !== 'track')
      throw new Error(`upload answered ${upload.status}: ${JSON.stringify(file)}`);
    const through: number[] = [];
    for (let i = 0; i < SUMMARY_SAMPLES; i++) {
      const began = performance.now();
      const res = await api('POST', '/tasks', { body: { kind: 'summary', file_id: file.id } });
      const done = await waitForTask(api, res.body.id);
      if (done.status !== 'completed')
        throw new Error(`summary ${done.status}: ${JSON.stringify(done.error)}`);
      through.push(performance.now() - began);
    }
    return { words: text.split(/\s+/).length, direct_ms: direct, system_ms: through };
  } finally {
    await system.stop();
    fixtures.remove();
  }
}

async function main(): Promise<void> {
  const speech = await benchSpeech();
  const summary = await benchSummary();
  const perCpu = speech.rounds.map((r) => speech.audio_seconds / r.cpu);
  const perWall = speech.rounds.map((r) => speech.audio_seconds / r.wall);
  const results = {
    speech: {
      ...speech,
      audio_seconds_per_cpu_second: median(perCpu),
      audio_seconds_per_wall_second: median(perWall),
      wer: median(speech.rounds.map((r) => r.wer)),
    },
    summary: {
      words: summary.words,
      direct_ms: { p50: median(summary.direct_ms), p99: percentile(summary.direct_ms, 0.99) },
      system_ms: { p50: median(summary.system_ms), p99: percentile(summary.system_ms, 0.99) },
    },
  };
  console.log(
    table([
      ['speech (local)', 'audio s', 'rounds', 'audio s / CPU s', 'audio s / wall s', 'WER'],
      [
        speech.provider,
        speech.audio_seconds.toFixed(1),
        ROUNDS,
        results.speech.audio_seconds_per_cpu_second.toFixed(2),
        results.speech.audio_seconds_per_wall_second.toFixed(2),
        `${(results.speech.wer * 100).toFixed(1)} %`,
      ],
    ]),
  );
  console.log();
  console.log(
    table([
      ['summary (local, track input)', 'words', 'samples', 'p50 ms', 'p99 ms'],
      [
        'extractiveSummary called directly',
        summary.words,
        SUMMARY_SAMPLES,
        results.summary.direct_ms.p50.toFixed(1),
        results.summary.direct_ms.p99.toFixed(1),
      ],
      [
        'summary task, request → completed',
        summary.words,
        SUMMARY_SAMPLES,
        results.summary.system_ms.p50.toFixed(0),
        results.summary.system_ms.p99.toFixed(0),
      ],
    ]),
  );
  console.log(`\nwrote ${writeResults('understanding', results)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
