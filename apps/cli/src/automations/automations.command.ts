import confirm from '@inquirer/confirm';
import type { AutomationStatus } from '@mediaflow/contracts';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UsageError, WorkFailedError } from '../cli-errors';
import type { CliContext } from '../context';
import { automationDocument, automationsTable } from '../output/describe';
import { formatChange, planSummary } from './apply-diff';
import { applyChanges, planFromDocuments } from './apply';
import { planForJson } from './apply-plan';
import { parseAutomationFile, type AutomationDocument } from './automation-file';
import { findAutomation } from './find-automation';
import { commandGroup, pageOptions, type Common, type PageArgs } from '../command-group';

/** `mediaflow automations list|get|pause|resume|delete|apply`. */
export function automationsCommand(ctx: CliContext): CommandModule<object, Common> {
  return commandGroup({
    name: 'automations',
    alias: 'automation',
    describe: 'List, show, pause, resume, delete and apply (from files kept in git) automations',
    commands: [
      listCommand(ctx),
      getCommand(ctx),
      statusCommand(ctx, 'pause', 'paused'),
      statusCommand(ctx, 'resume', 'active'),
      deleteCommand(ctx),
      applyCommand(ctx),
    ],
  });
}

interface ListArgs extends Common, PageArgs {
  status?: AutomationStatus;
  name?: string;
}

function listCommand(ctx: CliContext): CommandModule<object, ListArgs> {
  return {
    command: 'list',
    aliases: ['ls'],
    describe: 'List automations, newest first',
    builder: (y: Argv) =>
      pageOptions(y)
        .option('status', { choices: ['active', 'paused'] as const, describe: 'Only these' })
        .option('name', { type: 'string', describe: 'Only those named exactly so' })
        .example('$0 automations list --status paused', '')
        .example("$0 automations list --json | jq -r '.data[].id'", '') as Argv<ListArgs>,
    handler: async (argv) => {
      const list = await ctx.client().automations.list({
        status: argv.status,
        name: argv.name,
        page: argv.page,
        limit: argv.limit,
      });
      // Against a server that predates ?name=, the filter is applied here too.
      if (argv.name !== undefined) list.data = list.data.filter((a) => a.name === argv.name);
      ctx.output(argv.json).result(list, () => automationsTable(list));
    },
  };
}

interface OneArgs extends Common {
  automation: string;
}

const automationArg = (y: Argv) =>
  y.positional('automation', {
    type: 'string',
    demandOption: true,
    describe: 'Its id (auto_…) or its name (refused when several share it)',
  });

function getCommand(ctx: CliContext): CommandModule<object, OneArgs> {
  return {
    command: 'get <automation>',
    describe: 'Show an automation as YAML that `apply -f` takes back',
    builder: (y: Argv) =>
      automationArg(y)
        .example(
          '$0 automations get "Short video" > short-video.yaml',
          'start a file to keep in git',
        )
        .example('$0 automations get auto_abc123 --json', '') as Argv<OneArgs>,
    handler: async (argv) => {
      const automation = await findAutomation(ctx.client().automations, argv.automation);
      ctx.output(argv.json).result(automation, () => automationDocument(automation));
    },
  };
}

function statusCommand(
  ctx: CliContext,
  verb: 'pause' | 'resume',
  status: AutomationStatus,
): CommandModule<object, OneArgs> {
  return {
    command: `${verb} <automation>`,
    describe:
      verb === 'pause'
        ? 'Pause an automation: /run answers 409 and its trigger does not fire'
        : 'Make a paused automation active again',
    builder: (y: Argv) =>
      automationArg(y).example(`$0 automations ${verb} "Short video"`, '') as Argv<OneArgs>,
    handler: async (argv) => {
      const mf = ctx.client();
      const automation = await findAutomation(mf.automations, argv.automation);
      const updated = await mf.automations.update(automation.id, { status });
      ctx
        .output(argv.json)
        .result(updated, `${updated.name} (${updated.id}) is ${updated.status}.\n`);
    },
  };
}

function deleteCommand(ctx: CliContext): CommandModule<object, OneArgs> {
  return {
    command: 'delete <automation>',
    aliases: ['rm'],
    describe: 'Delete an automation (runs already started keep going)',
    builder: (y: Argv) =>
      automationArg(y).example('$0 automations delete auto_abc123', '') as Argv<OneArgs>,
    handler: async (argv) => {
      const mf = ctx.client();
      const automation = await findAutomation(mf.automations, argv.automation);
      const deleted = await mf.automations.delete(automation.id);
      ctx.output(argv.json).result(deleted, `Deleted ${automation.name} (${automation.id}).\n`);
    },
  };
}

interface ApplyArgs extends Common {
  file: string[];
  yes?: boolean;
  dryRun?: boolean;
}

function applyCommand(ctx: CliContext): CommandModule<object, ApplyArgs> {
  return {
    command: 'apply',
    describe:
      'Create or update automations from YAML or JSON files, by name, showing the diff first',
    builder: (y: Argv) =>
      y
        .option('file', {
          alias: 'f',
          type: 'string',
          array: true,
          demandOption: 'name the file(s): -f automation.yaml',
          describe:
            'A YAML file (several documents, split by ---, allowed), a JSON file (an object, or an array), or a folder of them',
        })
        .option('yes', { alias: 'y', type: 'boolean', describe: 'Apply without asking (CI)' })
        .option('dry-run', { type: 'boolean', describe: 'Show the diff and stop' })
        .example(
          '$0 automations apply -f automations/short-video.yaml',
          'shows the diff, asks, applies',
        )
        .example('$0 automations apply -f automations/*.yaml --yes', 'in CI')
        .example(
          '$0 automations apply -f automation.json --dry-run',
          'in a pull request check',
        ) as Argv<ApplyArgs>,
    handler: async (argv) => {
      const out = ctx.output(argv.json);
      const documents: AutomationDocument[] = argv.file
        .flatMap(automationFiles)
        .flatMap((file) => parseAutomationFile(readText(file), file));
      if (documents.length === 0) throw new UsageError('the files hold no automation');
      const mf = ctx.client();
      const plan = await planFromDocuments(mf.automations, documents);

      for (const change of plan.changes) out.write(formatChange(change, out.diffStyle));
      if (plan.refusals.length > 0) {
        throw new WorkFailedError(
          `nothing applied:\n${plan.refusals.map((r) => `  ${r.source}: ${r.reason}`).join('\n')}`,
        );
      }
      out.write(`${planSummary(plan.changes)}\n`);

      const pending = plan.changes.filter((c) => c.action !== 'unchanged');
      if (argv.dryRun) {
        out.result(planForJson(plan.changes), '');
        return;
      }
      if (pending.length > 0 && !argv.yes) {
        if (!out.canAsk) {
          throw new UsageError(
            'there are changes to apply and no terminal to ask on: pass --yes to apply them (or --dry-run to only show them)',
          );
        }
        const go = await confirm(
          {
            message: `Apply ${pending.length} change${pending.length > 1 ? 's' : ''}?`,
            default: false,
          },
          { input: ctx.streams.stdin, output: ctx.streams.stderr },
        ).catch((error: unknown) => {
          // Ctrl-C at the question is a no, not a crash.
          if ((error as Error)?.name === 'ExitPromptError') return false;
          throw error;
        });
        if (!go) throw new WorkFailedError('apply cancelled: nothing changed');
      }
      const applied = await applyChanges(mf.automations, plan.changes);
      out.result(
        applied,
        applied
          .filter((a) => a.action !== 'unchanged')
          .map(
            (a) =>
              `${a.action === 'created' ? 'Created' : 'Updated'} ${a.automation.name} (${a.automation.id}).\n`,
          )
          .join('') || 'Nothing to change.\n',
      );
    },
  };
}

const AUTOMATION_FILE = /\.(ya?ml|json)$/i;

/** A file as given; a folder: its YAML and JSON files, in name order (not its subfolders). */
function automationFiles(given: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(given).isDirectory();
  } catch {
    return [given]; // readText says it cannot be read
  }
  if (!isDir) return [given];
  return readdirSync(given)
    .filter((name) => AUTOMATION_FILE.test(name))
    .sort()
    .map((name) => path.join(given, name));
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}
