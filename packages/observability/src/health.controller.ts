import { Controller, Get, Inject, Res } from '@nestjs/common';
import { Public } from './public-route';
import { READINESS_CHECKS, checkReadiness, type ReadinessCheck } from './readiness';

interface StatusReply {
  status(code: number): { send(body: unknown): unknown };
}

/** `/health`: the process is alive. `/ready`: its dependencies answer (NATS, PostgreSQL). */
@Public()
@Controller()
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() reply: StatusReply): Promise<void> {
    const report = await checkReadiness(this.checks);
    reply.status(report.status === 'ready' ? 200 : 503).send(report);
  }
}
