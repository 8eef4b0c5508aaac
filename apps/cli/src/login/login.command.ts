import { Mediaflow } from '@mediaflow/sdk';
import type { Argv, CommandModule } from 'yargs';
import { writeConfigFile } from '../config/config-file';
import { normaliseServerUrl } from '../config/resolve-config';
import type { CliContext } from '../context';

interface LoginArgs {
  url: string;
  key: string;
  verify?: boolean;
  json?: boolean;
}

/**
 * `mediaflow login --url … --key …`: checks the key against the server (a
 * list of one automation), then keeps both in the config file, readable by
 * its owner only.
 */
export function loginCommand(ctx: CliContext): CommandModule<object, LoginArgs> {
  return {
    command: 'login',
    describe: 'Save the server URL and API key the other commands use',
    builder: (y: Argv) =>
      y
        .option('url', {
          type: 'string',
          demandOption: true,
          describe: 'The server, e.g. http://localhost:3000',
        })
        .option('key', { type: 'string', demandOption: true, describe: 'An API key (mf_…)' })
        .option('verify', {
          type: 'boolean',
          default: true,
          describe: 'Check the key against the server first (--no-verify to skip)',
        })
        .example('$0 login --url http://localhost:3000 --key "$(cat .mediaflow/api-key)"', '')
        .epilogue(
          'The config file is $XDG_CONFIG_HOME/mediaflow/config.json (else ~/.config/mediaflow/config.json), mode 0600. MEDIAFLOW_URL and MEDIAFLOW_API_KEY, when set, override what it holds.',
        ) as Argv<LoginArgs>,
    handler: async (argv) => {
      const url = normaliseServerUrl(argv.url, '--url');
      if (argv.verify) {
        await new Mediaflow({ baseUrl: url, apiKey: argv.key }).automations.list({ limit: 1 });
      }
      const configPath = ctx.configPath;
      writeConfigFile(configPath, { url, api_key: argv.key });
      const out = ctx.output(argv.json);
      out.result(
        { url, config_path: configPath },
        `Logged in to ${url}. Saved in ${configPath} (readable by you only).\n`,
      );
      for (const variable of ['MEDIAFLOW_URL', 'MEDIAFLOW_API_KEY']) {
        if (ctx.env[variable]) {
          ctx.streams.stderr.write(`note: ${variable} is set, and overrides what was saved\n`);
        }
      }
    },
  };
}
