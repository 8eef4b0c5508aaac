import type { TaskKind } from '@mediaflow/contracts';
import { Controller, Get } from '@nestjs/common';
import { DispatchPublisher } from '../runs/dispatch-publisher';

/** `GET /scaling`: what KEDA's metrics-api triggers read (valueLocation `held.<kind>`). */
export interface HeldWork {
  /** Dispatches held back for fairness, per kind: work no broker consumer counts as lag yet. */
  held: Record<TaskKind, number>;
}

/**
 * Work held back for fairness is not on the broker, so the workers'
 * autoscaler (KEDA, on JetStream consumer lag) would not see it: this
 * exports it, for a second trigger per kind (infra/helm, workers.yaml).
 * On the scheduler's internal port, beside /metrics.
 */
@Controller()
export class HeldWorkController {
  constructor(private readonly publisher: DispatchPublisher) {}

  @Get('scaling')
  async scaling(): Promise<HeldWork> {
    return { held: await this.publisher.fairQueue.heldPerKind() };
  }
}
