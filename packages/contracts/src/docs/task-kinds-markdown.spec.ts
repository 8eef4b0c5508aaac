import { readFileSync } from 'node:fs';
import path from 'node:path';
import { taskKindsMarkdown } from './task-kinds-markdown';

describe('docs/task-kinds.md', () => {
  it('is what the kind declarations say (regenerate with `pnpm --filter @mediaflow/contracts docs`)', () => {
    const committed = readFileSync(
      path.resolve(__dirname, '../../../../docs/task-kinds.md'),
      'utf8',
    );
    expect(committed).toBe(taskKindsMarkdown());
  });

  it('documents each option with its range and default', () => {
    const doc = taskKindsMarkdown();
    expect(doc).toContain('| `width` | whole number 16..7680 even |');
    expect(doc).toContain('| `count` | whole number 1..400 | `20` |');
    expect(doc).toContain(
      '| `format` | `mp3` \\| `aac` \\| `m4a` \\| `opus` \\| `ogg` \\| `wav` \\| `flac` | `"mp3"` |',
    );
  });
});
