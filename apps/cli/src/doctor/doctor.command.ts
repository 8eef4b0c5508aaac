import type { Argv, CommandModule } from 'yargs';
import { SilentExit } from '../cli-errors';
import type { CliContext } from '../context';
import { checkoutImageWorker } from './checkout-image-worker';

interface DoctorArgs {
  json?: boolean;
}

/**
 * `mediaflow doctor`: the dependency report of `pnpm run doctor` (each tool
 * and its version, which task kinds can run on this machine), from
 * @mediaflow/doctor. Exit 1 when the configuration in this environment needs
 * something that is missing: the report has said what.
 */
export function doctorCommand(ctx: CliContext): CommandModule<object, DoctorArgs> {
  return {
    command: 'doctor',
    describe: 'Report the dependencies of this machine and which task kinds can run here',
    builder: (y: Argv) =>
      y
        .example('$0 doctor', '')
        .example(
          "$0 doctor --json | jq '.kinds[] | select(.canRun | not)'",
          'the kinds that cannot run',
        ) as Argv<DoctorArgs>,
    handler: async (argv) => {
      // Loaded here, not at the top: its probes bring the database and media packages along,
      // which no other command needs and which would slow every command's start.
      const { runDoctorCommand } = await import('@mediaflow/doctor');
      const code = await runDoctorCommand(argv.json ? ['--json'] : [], {
        command: 'mediaflow doctor',
        env: ctx.env,
        stdout: (text) => ctx.streams.stdout.write(text),
        stderr: (text) => ctx.streams.stderr.write(text),
        imageWorker: checkoutImageWorker(),
      });
      if (code !== 0) throw new SilentExit(code === 2 ? 2 : 1);
    },
  };
}
