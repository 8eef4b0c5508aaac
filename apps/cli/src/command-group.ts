import type { Argv, CommandModule } from 'yargs';

/** The options every command takes (the global `--json`). */
export interface Common {
  json?: boolean;
}

/** A page of a list: the API's `page` and `limit`. */
export interface PageArgs {
  page?: number;
  limit?: number;
}

/** `mediaflow <name> <command>`: a group of subcommands, one of which must be named. */
export function commandGroup(group: {
  name: string;
  alias: string;
  describe: string;
  // Each subcommand has arguments of its own: yargs' types cannot hold them in one list.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  commands: ReadonlyArray<CommandModule<object, any>>;
}): CommandModule<object, Common> {
  return {
    command: `${group.name} <command>`,
    aliases: [group.alias],
    describe: group.describe,
    builder: (y: Argv) =>
      group.commands
        .reduce((argv, command) => argv.command(command), y)
        .demandCommand(1, `Name a ${group.name} command.`) as Argv<Common>,
    handler: () => {},
  };
}

/** The `--page` and `--limit` options of a list command. */
export function pageOptions<T>(y: Argv<T>): Argv<T & PageArgs> {
  return y
    .option('page', { type: 'number', describe: 'Page, from 1' })
    .option('limit', { type: 'number', describe: 'Per page, 1..100 (default 20)' });
}
