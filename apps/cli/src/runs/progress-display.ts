import type { TaskObject } from '@mediaflow/contracts';
import { MultiBar, Presets, SingleBar, type SingleBar as Bar } from 'cli-progress';
import { formatBytes } from '../output/table';
import {
  newFailures,
  overallRow,
  plainLine,
  plainProgressLines,
  progressRows,
  type ProgressRow,
} from './step-progress';

/** Shows a run (or task) as it moves: `update` with each newer tree, `stop` once it has ended. */
export interface RunDisplay {
  update(task: TaskObject): void;
  stop(): void;
}

/**
 * On a terminal, a bar per step (cli-progress's MultiBar: it redraws in
 * place, at most 10 times a second) under a bar for the whole run, each with
 * its status, and a line above them the moment a step fails. Elsewhere (CI
 * logs), the plain lines of plainProgressLines.
 */
export function runDisplay(stream: NodeJS.WriteStream, interactive: boolean): RunDisplay {
  return interactive ? new BarsDisplay(stream) : new LinesDisplay(stream);
}

function rowsOf(task: TaskObject): ProgressRow[] {
  return task.kind === 'workflow' ? [overallRow(task), ...progressRows(task)] : progressRows(task);
}

class LinesDisplay implements RunDisplay {
  private rows: ProgressRow[] = [];

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(task: TaskObject): void {
    const rows = rowsOf(task);
    for (const line of plainProgressLines(this.rows, rows)) this.stream.write(`${line}\n`);
    this.rows = rows;
  }

  stop(): void {}
}

class BarsDisplay implements RunDisplay {
  private readonly multibar: MultiBar;
  private readonly bars = new Map<string, Bar>();
  private rows: ProgressRow[] = [];

  constructor(stream: NodeJS.WriteStream) {
    this.multibar = new MultiBar(
      {
        stream,
        format: '{label} {bar} {percentage}% {status}',
        barsize: 30,
        hideCursor: true,
        clearOnComplete: false,
        autopadding: true,
        // Long error messages are cut at the terminal's edge rather than wrapping and breaking the redraw.
        linewrap: false,
      },
      Presets.shades_classic,
    );
  }

  update(task: TaskObject): void {
    const rows = rowsOf(task);
    for (const failed of newFailures(this.rows, rows)) {
      this.multibar.log(`${plainLine({ ...failed, depth: 0 })}\n`);
    }
    const width = Math.max(...rows.map((row) => labelOf(row).length));
    for (const row of rows) {
      const payload = { label: labelOf(row).padEnd(width), status: statusOf(row) };
      const bar = this.bars.get(row.id);
      if (bar) bar.update(row.percent, payload);
      else this.bars.set(row.id, this.multibar.create(100, row.percent, payload));
    }
    this.rows = rows;
  }

  stop(): void {
    this.multibar.stop();
  }
}

function labelOf(row: ProgressRow): string {
  return `${'  '.repeat(row.depth)}${row.label}`;
}

function statusOf(row: ProgressRow): string {
  return row.note ? `${row.status}: ${row.note}` : row.status;
}

/** The upload's progress: a bar with bytes on a terminal, a line at the start and the end elsewhere. */
export interface UploadDisplay {
  progress(loaded: number, total?: number): void;
  stop(): void;
}

export function uploadDisplay(
  stream: NodeJS.WriteStream,
  interactive: boolean,
  name: string,
  size: number,
): UploadDisplay {
  if (!interactive) {
    stream.write(`uploading ${name} (${formatBytes(size)})\n`);
    return {
      progress: () => {},
      stop: () => stream.write(`uploaded ${name}\n`),
    };
  }
  const bar = new SingleBar(
    {
      stream,
      format: `upload ${name} {bar} {percentage}% {sent} of {size}`,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
    },
    Presets.shades_classic,
  );
  bar.start(Math.max(size, 1), 0, { sent: formatBytes(0), size: formatBytes(size) });
  // Ctrl-C mid-upload: give the terminal its cursor back (the bar hides it), then stop as Node would.
  const interrupt = () => {
    bar.stop();
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  return {
    progress: (loaded, total) => {
      if (total !== undefined && total > 0) bar.setTotal(total);
      bar.update(loaded, { sent: formatBytes(loaded) });
    },
    stop: () => {
      process.off('SIGINT', interrupt);
      bar.update(Math.max(size, 1), { sent: formatBytes(size) });
      bar.stop();
    },
  };
}
