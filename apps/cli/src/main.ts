#!/usr/bin/env node
import { SilentExit } from './cli-errors';
import { completionRequest } from './completion/completion-shell';
import { buildCli } from './cli';
import { CliContext } from './context';
import { errorEnvelope, errorText } from './error-report';
import { exitCodeForError } from './exit-codes';
import { WatchInterrupted } from './runs/watch-task';

/** The words naming the command, for `mediaflow <command> --help` in an error. */
function commandWords(args: readonly string[]): string {
  const words: string[] = [];
  for (const arg of args) {
    if (arg.startsWith('-') || words.length === 2) break;
    words.push(arg);
  }
  return ['automations', 'tasks', 'files'].includes(words[0] ?? '')
    ? words.join(' ')
    : (words[0] ?? '');
}

async function main(): Promise<void> {
  const request = completionRequest(process.argv.slice(2), process.env);
  // yargs reads $SHELL from process.env when the parser is made.
  process.env = request.env as NodeJS.ProcessEnv;
  const ctx = new CliContext(process.env, process);
  try {
    await buildCli(ctx).parseAsync(request.args);
  } catch (error) {
    if (!(error instanceof SilentExit)) {
      process.stderr.write(
        request.args.includes('--json')
          ? `${JSON.stringify(errorEnvelope(error))}\n`
          : errorText(error, commandWords(request.args)),
      );
    }
    // exitCode, not exit(): what was written to a pipe is flushed first.
    process.exitCode = error instanceof WatchInterrupted ? 130 : exitCodeForError(error);
  }
}

void main();
