import { runDoctorProbes, type DoctorProbeOptions } from './doctor-probes';
import { doctorReport, formatDoctorReport, type DoctorProbes } from './doctor-report';

export interface DoctorCommandOptions extends DoctorProbeOptions {
  /** How the user runs it, for the usage line: `pnpm run doctor`, `mediaflow doctor`. */
  command: string;
  env?: Record<string, string | undefined>;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** The probes; by default {@link runDoctorProbes} on this machine. */
  probe?: () => Promise<DoctorProbes>;
}

/**
 * The doctor as a command: each dependency with its version (or what is
 * missing and how to get it), and whether each task kind can run; `--json`
 * prints the same report for machines. Answers the exit status: 1 when the
 * configuration in effect needs something that is missing, 2 for an
 * argument it does not take, else 0.
 */
export async function runDoctorCommand(
  args: readonly string[],
  {
    command,
    env = process.env,
    stdout = (text) => process.stdout.write(text),
    stderr = (text) => process.stderr.write(text),
    imageWorker,
    probe = () => runDoctorProbes(env, { imageWorker }),
  }: DoctorCommandOptions,
): Promise<number> {
  const usage = `usage: ${command} [--json]\n`;
  const help = args.includes('--help') || args.includes('-h');
  const unknown = args.filter((arg) => arg !== '--json');
  if (unknown.length > 0) {
    stderr(help ? usage : `unknown argument: ${unknown[0]}\n${usage}`);
    return help ? 0 : 2;
  }
  const report = doctorReport(await probe());
  stdout(
    args.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report),
  );
  return report.exitCode;
}
