import { Controller, Get, Inject, Res } from '@nestjs/common';
import { Public } from './public-route';
import { READINESS_CHECKS, checkReadiness, type ReadinessCheck } from './readiness';

interface StatusReply {
  status(code: number): { send(body: unknown): unknown };
}

/** `/health`'s answer; `instance` only where MEDIAFLOW_INSTANCE_ID is set. */
export interface HealthAnswer {
  status: 'ok';
  instance?: string;
}

/** `/health`: the process is alive. `/ready`: its dependencies answer (NATS, PostgreSQL). */
@Public()
@Controller()
export class HealthController {
  /**
   * The random id `pnpm start:services` (scripts/start-services.js) gives each
   * process it starts: its /health answering with that id is how the script
   * tells the app it started from another program on the same port. Read
   * here, not in an app's config schema, because every app has /health
   * through this controller and none of them has any other use for it.
   */
  private readonly instance = process.env.MEDIAFLOW_INSTANCE_ID || undefined;

  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  @Get('health')
  health(): HealthAnswer {
    return this.instance === undefined
      ? { status: 'ok' }
      : { status: 'ok', instance: this.instance };
  }

  @Get('ready')
  async ready(@Res() reply: StatusReply): Promise<void> {
    const report = await checkReadiness(this.checks);
    reply.status(report.status === 'ready' ? 200 : 503).send(report);
  }
}
