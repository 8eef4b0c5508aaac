import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { killChildrenByMarker, listChildProcesses } from './child-reaper';

describe('killChildrenByMarker', () => {
  it('kills only this process’s children whose argv holds the marker', async () => {
    // `sh -c CMD NAME`: NAME becomes $0, a harmless place for a marker; `read` is a builtin, so no grandchild outlives sh.
    const marked = spawn('sh', ['-c', 'read line', 'marker-a1b2']);
    const other = spawn('sh', ['-c', 'read line', 'marker-other']);
    await Promise.all([once(marked, 'spawn'), once(other, 'spawn')]);
    try {
      const children = await listChildProcesses();
      expect(children.map((c) => c.pid)).toEqual(expect.arrayContaining([marked.pid, other.pid]));

      await expect(killChildrenByMarker('marker-a1b2')).resolves.toEqual([marked.pid]);
      const [, signal] = await once(marked, 'exit');
      expect(signal).toBe('SIGKILL');
      expect(other.exitCode).toBeNull();
      expect(other.signalCode).toBeNull();
      await expect(killChildrenByMarker('marker-nobody')).resolves.toEqual([]);
    } finally {
      other.kill('SIGKILL');
      marked.kill('SIGKILL');
    }
  });
});
