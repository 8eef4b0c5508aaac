// Prints the table of the chaos rounds that ran (each writes its row to
// .results/<mode>.json), writes them together to .results/chaos.json, and
// ends with one closing line of counts.
const fs = require('node:fs');
const path = require('node:path');

const RESULTS = path.join(__dirname, '.results');
const COLUMNS = [
  ['mode', (r) => r.mode],
  ['sent', (r) => r.sent],
  ['accepted', (r) => r.accepted],
  ['completed', (r) => r.completed],
  ['failed', (r) => r.failed],
  ['lost', (r) => r.lost],
  ['duplicated', (r) => r.duplicated],
  ['retried after cut', (r) => r.retried_after_cut],
  ['leftovers', (r) => r.orphaned_outputs + r.stray_leftovers.length + r.left_after_sweep.length],
  ['kills', (r) => r.kills.length],
  ['time', (r) => `${r.seconds} s`],
];

class ChaosReporter {
  onRunStart() {
    fs.rmSync(RESULTS, { recursive: true, force: true });
  }

  onRunComplete(_contexts, results) {
    const rounds = ['services', 'all-in-one']
      .map((mode) => path.join(RESULTS, `${mode}.json`))
      .filter((file) => fs.existsSync(file))
      .map((file) => JSON.parse(fs.readFileSync(file, 'utf8')));
    if (rounds.length > 0) {
      const rows = [
        COLUMNS.map(([name]) => name),
        ...rounds.map((r) => COLUMNS.map(([, get]) => String(get(r)))),
      ];
      const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
      const line = (row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ');
      console.log(`\n${line(rows[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
      for (const row of rows.slice(1)) console.log(line(row));
      for (const round of rounds) {
        const kills = round.kills
          .map(
            (k) =>
              `${k.victim} (${k.tasks_under_way ?? '?'} tasks, ${k.runs_in_flight ?? '?'} runs in flight; whole again in ${(k.back_after_ms / 1000).toFixed(1)} s)`,
          )
          .join(', ');
        const cuts = Object.entries(round.cuts)
          .map(([why, n]) => `${n} × ${why}`)
          .join(', ');
        console.log(
          `\n${round.mode}: killed ${kills}.\n  Attempts cut: ${cuts || 'none'}.\n  ${round.left_by_kills.length} scratch dirs and partial writes left by the kills, ${round.left_after_sweep.length} after the sweep; ${round.stray_leftovers.length} left by live processes.`,
        );
        for (const finding of round.findings.slice(0, 20)) console.log(`  ${finding}`);
        if (round.findings.length > 20)
          console.log(`  … ${round.findings.length - 20} more in .results/${round.mode}.json`);
      }
      fs.writeFileSync(path.join(RESULTS, 'chaos.json'), JSON.stringify(rounds, null, 2) + '\n');
    }
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    console.log(`\nchaos: ${results.numPassedTests} passed, ${failed} failed`);
  }
}

module.exports = ChaosReporter;
