import { runDoctorProbes } from './doctor/doctor-probes';
import { doctorReport, formatDoctorReport } from './doctor/doctor-report';

const USAGE = 'usage: pnpm doctor [--json]';

/**
 * `pnpm doctor`: each dependency with its version (or what is missing and
 * how to get it), and whether each task kind can run. Exit status 1 when the
 * configuration in effect needs something that is missing; `--json` prints
 * the same report for machines.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--json');
  if (unknown.length > 0) {
    process.stderr.write(
      `${args.includes('--help') || args.includes('-h') ? '' : `unknown argument: ${unknown[0]}\n`}${USAGE}\n`,
    );
    process.exitCode = args.includes('--help') || args.includes('-h') ? 0 : 2;
    return;
  }
  const report = doctorReport(await runDoctorProbes(process.env));
  process.stdout.write(
    args.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report),
  );
  // exitCode rather than exit(): a piped report is written out in full first.
  process.exitCode = report.exitCode;
}

main().catch((error: unknown) => {
  process.stderr.write(`mediaflow doctor: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 2;
});
