import { readFileSync } from 'node:fs';
import path from 'node:path';
import yargs, { type Argv } from 'yargs';
import { automationsCommand } from './automations/automations.command';
import { UsageError } from './cli-errors';
import type { CliContext } from './context';
import { doctorCommand } from './doctor/doctor.command';
import { filesCommand } from './files/files.command';
import { loginCommand } from './login/login.command';
import { runCommand } from './runs/run.command';
import { tasksCommand } from './tasks/tasks.command';

function version(): string {
  const manifest = path.join(__dirname, '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * The `mediaflow` parser (yargs: commands, `--help` with examples, and the
 * bash/zsh completion it generates from the same definitions). It never
 * exits the process: a usage error is thrown as UsageError and main maps
 * every outcome to the exit status.
 */
export function buildCli(ctx: CliContext): Argv {
  const parser = yargs();
  return parser
    .scriptName('mediaflow')
    .usage(
      '$0 <command> [options]\n\nThe command line of Mediaflow: automations kept in git and applied in CI, runs on local files with live progress, tasks and files.',
    )
    .option('json', {
      type: 'boolean',
      global: true,
      describe: 'Print the resulting object (or list) as JSON on stdout, for scripts',
    })
    .command(loginCommand(ctx))
    .command(automationsCommand(ctx))
    .command(runCommand(ctx))
    .command(tasksCommand(ctx))
    .command(filesCommand(ctx))
    .command(doctorCommand(ctx))
    .completion(
      'completion',
      'Print the shell completion script: bash, or zsh under zsh (`mediaflow completion zsh` to choose)',
    )
    .example('$0 login --url http://localhost:3000 --key mf_…', 'once')
    .example('$0 automations apply -f automations/ --yes', 'in CI')
    .example('$0 run "Short video" ./clip.mp4 --wait --out ./out', 'upload, run, download')
    .example('$0 completion >> ~/.bashrc', 'tab completion')
    .demandCommand(1, 'Name a command.')
    .recommendCommands()
    .strict()
    .help()
    .alias('help', 'h')
    .version(version())
    .wrap(Math.min(110, parser.terminalWidth()))
    .epilogue(
      'Exit status: 0 done; 1 the work failed (the API refused, a run failed); 2 a usage error.\nThe server and key: `mediaflow login`, or MEDIAFLOW_URL and MEDIAFLOW_API_KEY.',
    )
    .exitProcess(false)
    .fail((message, error) => {
      // A command's own error passes through as it is; yargs' (a missing argument, an unknown option) is a usage error.
      if (error && error.name !== 'YError') throw error;
      throw new UsageError(message ?? error?.message ?? 'usage error');
    });
}
