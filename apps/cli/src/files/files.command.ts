import type { FileObject } from '@mediaflow/contracts';
import { FILE_KINDS } from '@mediaflow/contracts';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../cli-errors';
import type { CliContext } from '../context';
import { fileDescription, filesTable } from '../output/describe';
import { formatBytes } from '../output/table';
import { safeName } from '../runs/run-outputs';
import { isLocalFile, runSource } from '../runs/run-source';
import { uploadFile } from '../runs/upload-file';
import { commandGroup, pageOptions, type Common, type PageArgs } from '../command-group';

/** `mediaflow files upload|list|get|download|rm`. */
export function filesCommand(ctx: CliContext): CommandModule<object, Common> {
  return commandGroup({
    name: 'files',
    alias: 'file',
    describe: 'Upload, list, show, download and delete stored files',
    commands: [
      uploadCommand(ctx),
      listCommand(ctx),
      getCommand(ctx),
      downloadCommand(ctx),
      removeCommand(ctx),
    ],
  });
}

interface UploadArgs extends Common {
  source: string;
  name?: string;
}

function uploadCommand(ctx: CliContext): CommandModule<object, UploadArgs> {
  return {
    command: 'upload <source>',
    describe: 'Store a local file (with a progress bar) or a URL the server fetches',
    builder: (y: Argv) =>
      y
        .positional('source', {
          type: 'string',
          demandOption: true,
          describe: 'A local file or an http(s) URL',
        })
        .option('name', { type: 'string', describe: 'Store it under this file name' })
        .example('$0 files upload ./clip.mp4', '')
        .example(
          '$0 files upload https://cdn.example.com/photo.jpg --name cover.jpg',
          '',
        ) as Argv<UploadArgs>,
    handler: async (argv) => {
      const out = ctx.output(argv.json);
      const source = runSource(argv.source, isLocalFile);
      const mf = ctx.client();
      let file: FileObject;
      if (source.type === 'file') {
        file = await uploadFile(mf, source.path, out, argv.name);
      } else {
        const result = await mf.files.ingest(source.url, argv.name ? { filename: argv.name } : {});
        file = await mf.files.wait(result);
      }
      out.result(file, () => fileDescription(file));
    },
  };
}

interface ListArgs extends Common, PageArgs {
  kind?: (typeof FILE_KINDS)[number];
}

function listCommand(ctx: CliContext): CommandModule<object, ListArgs> {
  return {
    command: 'list',
    aliases: ['ls'],
    describe: 'List stored files, newest first',
    builder: (y: Argv) =>
      pageOptions(y)
        .option('kind', { choices: FILE_KINDS, describe: 'Only this kind' })
        .example('$0 files list --kind video', '') as Argv<ListArgs>,
    handler: async (argv) => {
      const list = await ctx
        .client()
        .files.list({ kind: argv.kind, page: argv.page, limit: argv.limit });
      ctx.output(argv.json).result(list, () => filesTable(list));
    },
  };
}

interface OneArgs extends Common {
  id: string;
}

const idArg = (y: Argv) =>
  y.positional('id', { type: 'string', demandOption: true, describe: 'The file id (file_…)' });

function getCommand(ctx: CliContext): CommandModule<object, OneArgs> {
  return {
    command: 'get <id>',
    describe: "Show a file's properties and its signed download URL",
    builder: (y: Argv) => idArg(y).example('$0 files get file_abc123', '') as Argv<OneArgs>,
    handler: async (argv) => {
      const file = await ctx.client().files.get(argv.id);
      ctx.output(argv.json).result(file, () => fileDescription(file));
    },
  };
}

interface DownloadArgs extends OneArgs {
  output?: string;
}

function downloadCommand(ctx: CliContext): CommandModule<object, DownloadArgs> {
  return {
    command: 'download <id>',
    describe: "Save a file's bytes",
    builder: (y: Argv) =>
      idArg(y)
        .option('output', {
          alias: 'o',
          type: 'string',
          describe: 'Where to save it (a folder, or a file name); default: its own name, here',
        })
        .example('$0 files download file_abc123 -o ./out/', '') as Argv<DownloadArgs>,
    handler: async (argv) => {
      const mf = ctx.client();
      const file = await mf.files.get(argv.id);
      const target = downloadTarget(argv.output, file.filename);
      mkdirSync(path.dirname(target), { recursive: true });
      await mf.files.downloadTo(file, target);
      const bytes = statSync(target).size;
      ctx
        .output(argv.json)
        .result({ ...file, path: target }, `Saved ${target} (${formatBytes(bytes)}).\n`);
    },
  };
}

/** `-o dir/` (or an existing folder) keeps the file's own name, made safe; `-o name` is used as is. */
function downloadTarget(output: string | undefined, filename: string): string {
  if (output === undefined) return path.resolve(safeName(filename));
  const isDir =
    output.endsWith('/') ||
    (() => {
      try {
        return statSync(output).isDirectory();
      } catch {
        return false;
      }
    })();
  if (isDir) return path.resolve(output, safeName(filename));
  if (output.length === 0) throw new UsageError('--output needs a path');
  return path.resolve(output);
}

interface RemoveArgs extends Common {
  ids: string[];
}

function removeCommand(ctx: CliContext): CommandModule<object, RemoveArgs> {
  return {
    command: 'rm <ids..>',
    aliases: ['delete'],
    describe: 'Delete files: their bytes and their records',
    builder: (y: Argv) =>
      y
        .positional('ids', {
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'File ids (file_…)',
        })
        .example('$0 files rm file_abc123 file_def456', '') as Argv<RemoveArgs>,
    handler: async (argv) => {
      const mf = ctx.client();
      const deleted = [];
      for (const id of argv.ids) deleted.push(await mf.files.delete(id));
      ctx
        .output(argv.json)
        .result(
          deleted.length === 1 ? deleted[0] : deleted,
          deleted.map((d) => `Deleted ${d.id}.\n`).join(''),
        );
    },
  };
}
