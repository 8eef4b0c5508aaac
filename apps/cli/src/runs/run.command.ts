import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { findAutomation } from '../automations/find-automation';
import type { CliContext } from '../context';
import { formatBytes } from '../output/table';
import { downloadOutputs } from './download-outputs';
import { isLocalFile, runSource } from './run-source';
import { uploadFile } from './upload-file';
import { reportEnded, watchTask } from './watch-task';

interface RunArgs {
  automation: string;
  source: string;
  wait?: boolean;
  out?: string;
  json?: boolean;
}

/** `mediaflow run <automation> <url | ./file>`: upload, start, follow, download. */
export function runCommand(ctx: CliContext): CommandModule<object, RunArgs> {
  return {
    command: 'run <automation> <source>',
    describe: 'Run an automation on a URL or a local file (uploaded first)',
    builder: (y: Argv) =>
      y
        .positional('automation', {
          type: 'string',
          demandOption: true,
          describe: 'Its id (auto_…) or its name',
        })
        .positional('source', {
          type: 'string',
          demandOption: true,
          describe: 'An http(s) URL the server fetches, or a local file to upload',
        })
        .option('wait', {
          type: 'boolean',
          describe: 'Follow the run to its end, a progress bar per step; exit 1 if it fails',
        })
        .option('out', {
          type: 'string',
          describe:
            'Save every output in this folder, named by its step ref (else kind and position); implies --wait',
        })
        .example(
          '$0 run "Short video" ./clip.mp4 --wait --out ./outputs',
          'upload, run, save web.mp4, scrub.vtt, …',
        )
        .example(
          '$0 run auto_abc123 https://cdn.example.com/a.jpg --json',
          'start it; print the run as JSON',
        ) as Argv<RunArgs>,
    handler: async (argv) => {
      const out = ctx.output(argv.json);
      const source = runSource(argv.source, isLocalFile);
      const mf = ctx.client();
      const automation = await findAutomation(mf.automations, argv.automation);
      const input =
        source.type === 'url'
          ? { url: source.url }
          : { file_id: (await uploadFile(mf, source.path, out)).id };
      const started = await mf.automations.run(automation.id, input);
      if (!argv.wait && argv.out === undefined) {
        out.result(
          started,
          `Started ${started.id} (${automation.name}). Follow it: mediaflow tasks watch ${started.id}\n`,
        );
        return;
      }
      const final = await watchTask(mf, started.id, out);
      if (argv.out !== undefined) {
        const dir = path.resolve(argv.out);
        await downloadOutputs(mf, final, dir, (saved) =>
          out.note(
            `saved ${path.relative(process.cwd(), saved.path) || saved.path} (${formatBytes(saved.bytes)})`,
          ),
        );
      }
      reportEnded(out, final);
    },
  };
}
