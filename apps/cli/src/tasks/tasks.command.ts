import {
  TASK_OBJECT_KINDS,
  TASK_STATUSES,
  type TaskObjectKind,
  type TaskStatus,
} from '@mediaflow/contracts';
import type { Argv, CommandModule } from 'yargs';
import type { CliContext } from '../context';
import { taskDescription, tasksTable } from '../output/describe';
import { reportEnded, watchTask } from '../runs/watch-task';
import { commandGroup, pageOptions, type Common, type PageArgs } from '../command-group';

/** `mediaflow tasks list|get|watch|cancel|retry`. */
export function tasksCommand(ctx: CliContext): CommandModule<object, Common> {
  return commandGroup({
    name: 'tasks',
    alias: 'task',
    describe: 'List, show, follow, cancel and retry tasks and runs',
    commands: [
      listCommand(ctx),
      getCommand(ctx),
      watchCommand(ctx),
      cancelCommand(ctx),
      retryCommand(ctx),
    ],
  });
}

interface ListArgs extends Common, PageArgs {
  status?: TaskStatus;
  kind?: TaskObjectKind;
  automation?: string;
}

function listCommand(ctx: CliContext): CommandModule<object, ListArgs> {
  return {
    command: 'list',
    aliases: ['ls'],
    describe: 'List tasks and runs, newest first',
    builder: (y: Argv) =>
      pageOptions(y)
        .option('status', { choices: TASK_STATUSES, describe: 'Only these' })
        .option('kind', { choices: TASK_OBJECT_KINDS, describe: 'Only this kind (workflow: runs)' })
        .option('automation', { type: 'string', describe: 'Only the runs of this automation id' })
        .example(
          '$0 tasks list --kind workflow --status failed',
          'the runs that failed',
        ) as Argv<ListArgs>,
    handler: async (argv) => {
      const list = await ctx.client().tasks.list({
        status: argv.status,
        kind: argv.kind,
        automation_id: argv.automation,
        page: argv.page,
        limit: argv.limit,
      });
      ctx.output(argv.json).result(list, () => tasksTable(list));
    },
  };
}

interface OneArgs extends Common {
  id: string;
}

const idArg = (y: Argv) =>
  y.positional('id', {
    type: 'string',
    demandOption: true,
    describe: 'The task or run id (task_…)',
  });

function getCommand(ctx: CliContext): CommandModule<object, OneArgs> {
  return {
    command: 'get <id>',
    describe: 'Show a task; a run with each step, its status, output or error',
    builder: (y: Argv) => idArg(y).example('$0 tasks get task_abc123', '') as Argv<OneArgs>,
    handler: async (argv) => {
      const task = await ctx.client().tasks.get(argv.id);
      ctx.output(argv.json).result(task, () => taskDescription(task));
    },
  };
}

function watchCommand(ctx: CliContext): CommandModule<object, OneArgs> {
  return {
    command: 'watch <id>',
    describe: 'Follow a task or run to its end, a progress bar per step; exit 1 if it fails',
    builder: (y: Argv) => idArg(y).example('$0 tasks watch task_abc123', '') as Argv<OneArgs>,
    handler: async (argv) => {
      const out = ctx.output(argv.json);
      const final = await watchTask(ctx.client(), argv.id, out);
      reportEnded(out, final);
    },
  };
}

function cancelCommand(ctx: CliContext): CommandModule<object, OneArgs> {
  return {
    command: 'cancel <id>',
    describe: 'Cancel a pending or processing task and its steps',
    builder: (y: Argv) => idArg(y).example('$0 tasks cancel task_abc123', '') as Argv<OneArgs>,
    handler: async (argv) => {
      const task = await ctx.client().tasks.cancel(argv.id);
      ctx.output(argv.json).result(task, `${task.id} is ${task.status}.\n`);
    },
  };
}

interface RetryArgs extends OneArgs {
  wait?: boolean;
}

function retryCommand(ctx: CliContext): CommandModule<object, RetryArgs> {
  return {
    command: 'retry <id>',
    describe: 'Run again what failed or was cancelled, keeping what completed',
    builder: (y: Argv) =>
      idArg(y)
        .option('wait', {
          type: 'boolean',
          describe: 'Follow it to its end; exit 1 if it fails again',
        })
        .example('$0 tasks retry task_abc123 --wait', '') as Argv<RetryArgs>,
    handler: async (argv) => {
      const out = ctx.output(argv.json);
      const mf = ctx.client();
      const task = await mf.tasks.retry(argv.id);
      if (!argv.wait) {
        out.result(task, `${task.id} runs again. Follow it: mediaflow tasks watch ${task.id}\n`);
        return;
      }
      reportEnded(out, await watchTask(mf, task.id, out));
    },
  };
}
