import { healthy } from '../test/healthy-probes';
import { runDoctorCommand } from './doctor-command';
import type { DoctorProbes, DoctorReport } from './doctor-report';

/** The command on these probes, with what it wrote and its exit status. */
async function run(args: string[], probes: DoctorProbes = healthy()) {
  const out = { stdout: '', stderr: '', probed: 0 };
  const code = await runDoctorCommand(args, {
    command: 'mediaflow doctor',
    stdout: (text) => (out.stdout += text),
    stderr: (text) => (out.stderr += text),
    probe: async () => {
      out.probed += 1;
      return probes;
    },
  });
  return { code, ...out };
}

describe('runDoctorCommand', () => {
  it('prints the table and answers 0 when nothing the configuration needs is missing', async () => {
    const { code, stdout, stderr } = await run([]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Mediaflow doctor\n/);
    expect(stdout).toMatch(/\(exit status 0\)\.\n$/);
    expect(stderr).toBe('');
  });

  it('prints the same report as JSON with --json, and answers 1 when ffmpeg is missing', async () => {
    const { code, stdout } = await run(['--json'], {
      ...healthy(),
      ffmpeg: { ok: false, problem: 'ffmpeg is not on PATH' },
    });
    const report = JSON.parse(stdout) as DoctorReport;
    expect(report.missingRequired).toEqual(['ffmpeg']);
    expect(report.exitCode).toBe(1);
    expect(code).toBe(1);
  });

  it('refuses an argument it does not take with its usage, probing nothing', async () => {
    expect(await run(['--jsn'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'unknown argument: --jsn\nusage: mediaflow doctor [--json]\n',
      probed: 0,
    });
  });

  it('answers --help with its usage alone', async () => {
    expect(await run(['--help'])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'usage: mediaflow doctor [--json]\n',
      probed: 0,
    });
  });
});
