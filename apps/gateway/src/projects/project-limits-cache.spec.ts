import { PROJECT_LIMITS_FRESH_MS, ProjectLimitsCache } from './project-limits-cache';
import type { ProjectLimitsRepository } from './project-limits.repository';
import type { StoredProjectLimits } from './project-limits';

class FakeRepository {
  reads = 0;
  failNext = false;
  stored = new Map<string, StoredProjectLimits>();

  async find(projectId: string): Promise<StoredProjectLimits | undefined> {
    this.reads++;
    await Promise.resolve();
    if (this.failNext) {
      this.failNext = false;
      throw new Error('connection lost');
    }
    return this.stored.get(projectId);
  }
}

describe('ProjectLimitsCache', () => {
  let repository: FakeRepository;
  let cache: ProjectLimitsCache;
  beforeEach(() => {
    repository = new FakeRepository();
    repository.stored.set('prj_a', { requests_per_second: 5 });
    cache = new ProjectLimitsCache(repository as unknown as ProjectLimitsRepository);
  });

  it('reads a project once per freshness period, however many requests ask', async () => {
    const at = 1_000_000;
    const answers = await Promise.all([1, 2, 3].map(() => cache.limitsOf('prj_a', at)));
    expect(answers).toEqual([1, 2, 3].map(() => ({ requests_per_second: 5 })));
    await cache.limitsOf('prj_a', at + PROJECT_LIMITS_FRESH_MS - 1);
    expect(repository.reads).toBe(1);

    repository.stored.set('prj_a', { requests_per_second: 9 });
    expect(await cache.limitsOf('prj_a', at + PROJECT_LIMITS_FRESH_MS)).toEqual({
      requests_per_second: 9,
    });
    expect(repository.reads).toBe(2);
  });

  it('reads again at once after forget (the replica that took the change)', async () => {
    await cache.limitsOf('prj_a', 0);
    repository.stored.set('prj_a', {});
    cache.forget('prj_a');
    expect(await cache.limitsOf('prj_a', 1)).toEqual({});
  });

  it('answers no limits of its own for an unknown project', async () => {
    expect(await cache.limitsOf('prj_gone', 0)).toEqual({});
  });

  it('does not keep a failed read', async () => {
    repository.failNext = true;
    await expect(cache.limitsOf('prj_a', 0)).rejects.toThrow('connection lost');
    expect(await cache.limitsOf('prj_a', 1)).toEqual({ requests_per_second: 5 });
  });
});
