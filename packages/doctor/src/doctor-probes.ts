import { locateEmbeddedPostgres, redactUrl } from '@mediaflow/database';
import { execFile } from 'node:child_process';
import { constants, existsSync, readFileSync } from 'node:fs';
import { access, mkdtemp, rmdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DoctorProbes, Probe, SpeechProviderName } from './doctor-report';

type Env = Record<string, string | undefined>;
type MediaPackage = typeof import('@mediaflow/media');
type SpeechPackage = typeof import('@mediaflow/speech');

/**
 * What the NSFW probe uses of apps/worker-image's root module. Structural:
 * a package never imports an app (docs/architecture.md), so the caller that
 * may (the all-in-one, the composition root) hands the module over.
 */
export interface ImageWorkerModule {
  NSFW_MODEL_NAMES: readonly string[];
  NSFW_BACKENDS: readonly string[];
  /** Given a model and a backend of the lists above (checked first: the worker's own types are its unions). */
  NsfwClassifier: new (settings: { backend: never; model: never }) => {
    load(): Promise<void>;
    dispose(): Promise<void>;
  };
}

/**
 * The image worker, as the doctor probes it: sharp, nsfwjs and TensorFlow.js
 * are its dependencies, resolved as it resolves them, and its classifier is
 * tried as its first nsfw task would. Both lazy, called inside the probe:
 * a worker that is missing, or whose native code does not load, is a row
 * of the report rather than a crash before it.
 */
export interface ImageWorker {
  /** A require that resolves from the worker's package. */
  resolver(): NodeJS.Require;
  /** Its root module (it loads TensorFlow.js). */
  load(): Promise<ImageWorkerModule>;
}

export interface DoctorProbeOptions {
  /** Without it, the rows of sharp and the NSFW model say the image worker is not here. */
  imageWorker?: ImageWorker;
}

const execFileAsync = promisify(execFile);
const CONNECT_TIMEOUT_MS = 2_000;
const localRequire = createRequire(__filename);

/**
 * Runs every probe of the doctor against this machine and `env`. Never
 * throws: a dependency that cannot be loaded or run is a finding. Packages
 * that load native code (sharp through @mediaflow/media, TensorFlow.js) are
 * loaded here, inside a probe, so that a broken one is a row of the report
 * rather than a crash before it.
 */
export async function runDoctorProbes(
  env: Env = process.env,
  { imageWorker }: DoctorProbeOptions = {},
): Promise<DoctorProbes> {
  const dataDir = path.resolve(env.MEDIAFLOW_DATA_DIR || './.mediaflow');
  const media = loadPackage<MediaPackage>('@mediaflow/media');
  const [dataDirProbe, storage, database, messaging, tools, speech, summary] = await Promise.all([
    probeWritableDir(dataDir),
    probeStorage(env, dataDir),
    probeDatabase(env),
    probeMessaging(env),
    probeFfmpeg(media, env),
    probeSpeech(env),
    probeSummary(env),
  ]);
  // TensorFlow.js runs in this process: after the probes that spawn, not beside them.
  const image = await probeImageWorker(env, imageWorker);
  return {
    node: { version: process.versions.node },
    dataDir: dataDirProbe,
    storage,
    database,
    messaging,
    ...tools,
    ...image,
    speech,
    summary,
  };
}

function loadPackage<T>(name: string): { ok: true; module: T } | { ok: false; problem: string } {
  try {
    return { ok: true, module: localRequire(name) as T };
  } catch (error) {
    return { ok: false, problem: `cannot load ${name}: ${firstLine(error)}` };
  }
}

function firstLine(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).split('\n')[0]!;
}

const fail = (problem: string): Probe => ({ ok: false, problem });

// ---- Files and infrastructure ---------------------------------------------

/**
 * Writable, or (when it does not exist yet) creatable. Tried for real, with a
 * directory made and removed at once in the nearest one that exists:
 * access(2) says yes to root for nearly everything.
 */
export async function probeWritableDir(dir: string): Promise<Probe> {
  let existing = dir;
  while (!existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  try {
    if (!(await stat(existing)).isDirectory()) return fail(`${existing} is not a directory`);
    await rmdir(await mkdtemp(path.join(existing, '.mediaflow-doctor-')));
  } catch (error) {
    return fail(
      `cannot write in ${existing} (${(error as NodeJS.ErrnoException).code ?? firstLine(error)})`,
    );
  }
  return {
    ok: true,
    detail: existing === dir ? `${dir} (writable)` : `${dir} (to be created in ${existing})`,
  };
}

async function probeStorage(env: Env, dataDir: string): Promise<DoctorProbes['storage']> {
  const driver = env.MEDIAFLOW_STORAGE?.trim() || 'local';
  if (driver === 'local')
    return { driver, ...(await probeWritableDir(path.join(dataDir, 'files'))) };
  if (driver !== 's3')
    return { driver, ...fail(`MEDIAFLOW_STORAGE is "${driver}": must be local or s3`) };
  const bucket = env.MEDIAFLOW_S3_BUCKET?.trim();
  if (!bucket) return { driver, ...fail('MEDIAFLOW_S3_BUCKET is not set') };
  const endpoint = env.MEDIAFLOW_S3_ENDPOINT?.trim();
  if (!endpoint) return { driver, ok: true, detail: `bucket ${bucket} on AWS S3 (not contacted)` };
  const reached = await probeReachable(endpoint, { 'http:': 80, 'https:': 443 });
  return reached.ok
    ? { driver, ok: true, detail: `bucket ${bucket} at ${reached.detail}` }
    : { driver, ...reached };
}

async function probeDatabase(env: Env): Promise<DoctorProbes['database']> {
  if (env.DATABASE_URL) {
    const reached = await probeReachable(env.DATABASE_URL, {
      'postgres:': 5432,
      'postgresql:': 5432,
    });
    return { mode: 'server', ...reached };
  }
  try {
    const binaries = locateEmbeddedPostgres();
    const { stdout } = await execFileAsync(binaries.postgres, ['--version'], { timeout: 10_000 });
    const version = /PostgreSQL\)\s*(\S+)/.exec(stdout)?.[1] ?? stdout.trim();
    return {
      mode: 'embedded',
      ok: true,
      detail: `${version} (${binaries.packageName} ${binaries.packageVersion})`,
    };
  } catch (error) {
    return { mode: 'embedded', ...fail(firstLine(error)) };
  }
}

async function probeMessaging(env: Env): Promise<DoctorProbes['messaging']> {
  if (!env.NATS_URL)
    return { mode: 'in-process', ok: true, detail: 'in-process driver (NATS_URL not set)' };
  const reached = await probeReachable(env.NATS_URL, {
    'nats:': 4222,
    'tls:': 4222,
    'ws:': 80,
    'wss:': 443,
  });
  return { mode: 'nats', ...reached };
}

/** A TCP connection to the URL's host and port, given up after 2 s. */
export function probeReachable(url: string, defaultPorts: Record<string, number>): Promise<Probe> {
  let host: string;
  let port: number;
  try {
    const parsed = new URL(url);
    host = parsed.hostname.replace(/^\[|\]$/g, '');
    port = Number(parsed.port) || defaultPorts[parsed.protocol] || 0;
    if (!host || !port) return Promise.resolve(fail(`${redactUrl(url)} names no host and port`));
  } catch {
    return Promise.resolve(fail(`${redactUrl(url)} is not a URL`));
  }
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (probe: Probe) => {
      socket.destroy();
      resolve(probe);
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS);
    socket.once('connect', () => done({ ok: true, detail: `${where} (answering)` }));
    socket.once('timeout', () =>
      done(fail(`nothing answered at ${where} within ${CONNECT_TIMEOUT_MS} ms`)),
    );
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(fail(`not answering at ${where} (${error.code ?? error.message})`)),
    );
  });
}

// ---- ffmpeg ---------------------------------------------------------------

async function probeFfmpeg(
  media: ReturnType<typeof loadPackage<MediaPackage>>,
  env: Env,
): Promise<Pick<DoctorProbes, 'ffmpeg' | 'ffprobe' | 'encoders'>> {
  if (!media.ok) return { ffmpeg: fail(media.problem), ffprobe: fail(media.problem), encoders: [] };
  // FFMPEG_PATH / FFPROBE_PATH, as the workers read them.
  const checked = await media.module.checkTools(env);
  const asProbe = async (check: (typeof checked)['ffmpeg']): Promise<Probe> => {
    if (!check.ok) return fail(check.error);
    const found = await probeExecutable(check.path, env);
    return { ok: true, detail: `${check.version} (${found.ok ? found.detail : check.path})` };
  };
  const [ffmpeg, ffprobe] = await Promise.all([asProbe(checked.ffmpeg), asProbe(checked.ffprobe)]);
  const encoders = ffmpeg.ok ? await listEncoders(media.module.toolPaths(env).ffmpeg) : [];
  return { ffmpeg, ffprobe, encoders };
}

/** The encoder names of `ffmpeg -encoders` (lines like ` V....D libx264   libx264 H.264 …`). */
export function parseEncoders(output: string): string[] {
  const names: string[] = [];
  let listing = false;
  for (const line of output.split('\n')) {
    if (/^\s*-{3,}\s*$/.test(line)) {
      listing = true;
      continue;
    }
    const match = listing ? /^\s*[A-Z.]{6}\s+(\S+)/.exec(line) : null;
    if (match) names.push(match[1]!);
  }
  return names;
}

async function listEncoders(ffmpeg: string): Promise<string[]> {
  try {
    const { stdout } = await execFileAsync(ffmpeg, ['-hide_banner', '-encoders'], {
      timeout: 10_000,
      maxBuffer: 4 * 1024 * 1024,
    });
    return parseEncoders(stdout);
  } catch {
    return [];
  }
}

// ---- Image worker: sharp, nsfwjs, TensorFlow.js ------------------------------

async function probeImageWorker(
  env: Env,
  imageWorker: ImageWorker | undefined,
): Promise<Pick<DoctorProbes, 'sharp' | 'nsfwModel' | 'nsfwBackend'>> {
  const backend = env.MEDIAFLOW_NSFW_BACKEND?.trim() || 'wasm';
  const model = env.MEDIAFLOW_NSFW_MODEL?.trim() || 'mobilenet_v2_mid';
  // sharp, nsfwjs and TensorFlow.js are the image worker's dependencies: resolve them as it does.
  let fromWorker: NodeJS.Require;
  try {
    if (!imageWorker) throw new Error('this command was not given it');
    fromWorker = imageWorker.resolver();
  } catch (error) {
    const problem = `cannot find @mediaflow/worker-image: ${firstLine(error)}`;
    return {
      sharp: fail(problem),
      nsfwModel: fail(problem),
      nsfwBackend: { backend, ...fail(problem) },
    };
  }
  const sharp = probeSharp(fromWorker);
  let worker: ImageWorkerModule;
  try {
    worker = await imageWorker.load();
  } catch (error) {
    const problem = `cannot load @mediaflow/worker-image: ${firstLine(error)}`;
    return { sharp, nsfwModel: fail(problem), nsfwBackend: { backend, ...fail(problem) } };
  }
  const { NSFW_MODEL_NAMES, NSFW_BACKENDS, NsfwClassifier } = worker;
  if (!NSFW_MODEL_NAMES.includes(model)) {
    const problem = `MEDIAFLOW_NSFW_MODEL is "${model}": must be one of ${NSFW_MODEL_NAMES.join(', ')}`;
    return { sharp, nsfwModel: fail(problem), nsfwBackend: { backend, ...fail(problem) } };
  }
  if (!NSFW_BACKENDS.includes(backend)) {
    const problem = `MEDIAFLOW_NSFW_BACKEND is "${backend}": must be one of ${NSFW_BACKENDS.join(', ')}`;
    return {
      sharp,
      nsfwModel: probeNsfwModelFiles(fromWorker, model),
      nsfwBackend: { backend, ...fail(problem) },
    };
  }
  const nsfwModel = probeNsfwModelFiles(fromWorker, model);
  // What the worker does at its first nsfw task: activate the backend, build the model, run it once.
  // Both are in the worker's lists (checked above), which its own types are the unions of.
  const classifier = new NsfwClassifier({ backend: backend as never, model: model as never });
  let nsfwBackend: DoctorProbes['nsfwBackend'];
  try {
    await classifier.load();
    const tfjs = packageVersion(fromWorker, '@tensorflow/tfjs');
    nsfwBackend = {
      backend,
      ok: true,
      detail: `tfjs ${tfjs}: ${model} loads and runs on ${backend}`,
    };
  } catch (error) {
    nsfwBackend = { backend, ...fail(firstLine(error)) };
  } finally {
    await classifier.dispose();
  }
  return { sharp, nsfwModel, nsfwBackend };
}

function probeSharp(fromWorker: NodeJS.Require): Probe {
  try {
    const sharp = fromWorker('sharp') as { versions: { sharp?: string; vips: string } };
    return {
      ok: true,
      detail: `${sharp.versions.sharp ?? packageVersion(fromWorker, 'sharp')} (libvips ${sharp.versions.vips})`,
    };
  } catch (error) {
    return fail(firstLine(error));
  }
}

/**
 * The model's files in the nsfwjs package (`dist/models/<name>/`, where
 * worker-image's nsfw-models.ts reads them): the topology and every weight
 * shard it lists.
 */
function probeNsfwModelFiles(fromWorker: NodeJS.Require, model: string): Probe {
  try {
    const dir = path.resolve(path.dirname(fromWorker.resolve('nsfwjs/core')), '../models', model);
    const topology = path.join(dir, 'model.min.js');
    if (!existsSync(topology)) return fail(`${topology} is missing`);
    const text = readFileSync(topology, 'utf8');
    const shards = [...text.matchAll(/"(group\d+-shard\d+of\d+)"/g)].map((m) => `${m[1]}.min.js`);
    const absent = shards.filter((shard) => !existsSync(path.join(dir, shard)));
    if (shards.length === 0) return fail(`${topology} lists no weights`);
    if (absent.length > 0) return fail(`${dir} lacks ${absent.join(', ')}`);
    return {
      ok: true,
      detail: `${model}, nsfwjs ${packageVersion(fromWorker, 'nsfwjs')} (${shards.length} weight files)`,
    };
  } catch (error) {
    return fail(firstLine(error));
  }
}

/** A package's version from its package.json, found from its entry point (exports may hide the file). */
function packageVersion(from: NodeJS.Require, name: string): string {
  let dir = path.dirname(from.resolve(name));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown version';
    dir = parent;
  }
}

// ---- Speech and summary providers -----------------------------------------------

async function probeSpeech(env: Env): Promise<DoctorProbes['speech']> {
  const speechPackage = loadPackage<SpeechPackage>('@mediaflow/speech');
  const requested = env.MEDIAFLOW_SPEECH_PROVIDER?.trim();
  const provider: SpeechProviderName = requested === 'openai' ? 'openai' : 'local';
  if (!speechPackage.ok) {
    return {
      provider,
      pocketsphinx: fail(speechPackage.problem),
      model: fail(speechPackage.problem),
    };
  }
  const { speechConfigSchema, DEBIAN_EN_US_MODEL } = speechPackage.module;
  const parsed = speechConfigSchema.safeParse(env);
  const settingsProblem = parsed.success
    ? undefined
    : parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
  // With a bad setting elsewhere, the paths still come from the environment or their defaults.
  const paths = parsed.success
    ? parsed.data
    : {
        POCKETSPHINX_BATCH_PATH: env.POCKETSPHINX_BATCH_PATH?.trim() || 'pocketsphinx_batch',
        MEDIAFLOW_SPEECH_LOCAL_HMM:
          env.MEDIAFLOW_SPEECH_LOCAL_HMM?.trim() || DEBIAN_EN_US_MODEL.hmm,
        MEDIAFLOW_SPEECH_LOCAL_LM: env.MEDIAFLOW_SPEECH_LOCAL_LM?.trim() || DEBIAN_EN_US_MODEL.lm,
        MEDIAFLOW_SPEECH_LOCAL_DICT:
          env.MEDIAFLOW_SPEECH_LOCAL_DICT?.trim() || DEBIAN_EN_US_MODEL.dict,
        MEDIAFLOW_SPEECH_LOCAL_LANGUAGE: env.MEDIAFLOW_SPEECH_LOCAL_LANGUAGE?.trim() || 'en',
        MEDIAFLOW_SPEECH_BASE_URL: env.MEDIAFLOW_SPEECH_BASE_URL?.trim() || undefined,
      };
  const [pocketsphinx, model] = await Promise.all([
    probeExecutable(paths.POCKETSPHINX_BATCH_PATH, env),
    probeSphinxModel(
      paths.MEDIAFLOW_SPEECH_LOCAL_HMM,
      paths.MEDIAFLOW_SPEECH_LOCAL_LM,
      paths.MEDIAFLOW_SPEECH_LOCAL_DICT,
      paths.MEDIAFLOW_SPEECH_LOCAL_LANGUAGE,
    ),
  ]);
  const result: DoctorProbes['speech'] = { provider, pocketsphinx, model };
  if (settingsProblem) result.settingsProblem = settingsProblem;
  // Without a base URL there is nothing to reach, and settingsProblem says so.
  if (provider === 'openai' && paths.MEDIAFLOW_SPEECH_BASE_URL) {
    result.service = await probeReachable(paths.MEDIAFLOW_SPEECH_BASE_URL, {
      'http:': 80,
      'https:': 443,
    });
  }
  return result;
}

/** An executable named by path, or found on PATH as the shell would. */
export async function probeExecutable(command: string, env: Env = process.env): Promise<Probe> {
  const candidates = command.includes(path.sep)
    ? [path.resolve(command)]
    : (env.PATH ?? '')
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    try {
      if ((await stat(candidate)).isFile()) {
        await access(candidate, constants.X_OK);
        return { ok: true, detail: candidate };
      }
    } catch {
      // Not this one.
    }
  }
  return fail(
    command.includes(path.sep)
      ? `${command} is not an executable file`
      : `${command} is not on PATH`,
  );
}

async function probeSphinxModel(
  hmm: string,
  lm: string,
  dict: string,
  language: string,
): Promise<Probe> {
  const missing: string[] = [];
  const isDir = await stat(hmm).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) missing.push(`${hmm} (acoustic model directory)`);
  for (const file of [lm, dict]) {
    if (
      !(await stat(file).then(
        (s) => s.isFile(),
        () => false,
      ))
    )
      missing.push(file);
  }
  if (missing.length > 0) return fail(`missing ${missing.join(', ')}`);
  return { ok: true, detail: `${path.dirname(lm)} (language ${language})` };
}

async function probeSummary(env: Env): Promise<DoctorProbes['summary']> {
  const provider = env.MEDIAFLOW_SUMMARY_PROVIDER?.trim() || 'local';
  if (provider === 'local') return { provider, ok: true, detail: 'extractive (TextRank), offline' };
  if (provider !== 'openai')
    return {
      provider,
      ...fail(`MEDIAFLOW_SUMMARY_PROVIDER is "${provider}": must be local or openai`),
    };
  const baseUrl = env.MEDIAFLOW_SUMMARY_BASE_URL?.trim();
  if (!baseUrl) return { provider, ...fail('MEDIAFLOW_SUMMARY_BASE_URL is not set') };
  return { provider, ...(await probeReachable(baseUrl, { 'http:': 80, 'https:': 443 })) };
}
