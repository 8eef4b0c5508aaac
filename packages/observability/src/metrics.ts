import { Controller, Get, Header } from '@nestjs/common';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { processServiceName } from './process-name';
import { Public } from './public-route';

/** One Prometheus registry per process, labelled with the process's service name. */
export const metricsRegistry = new Registry();
let started = false;

export function startDefaultMetrics(service: string): void {
  if (started) return;
  started = true;
  metricsRegistry.setDefaultLabels({ service: processServiceName(service) });
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'mediaflow_' });
}

export const httpRequestDuration = new Histogram({
  name: 'mediaflow_http_request_duration_seconds',
  help: 'HTTP request latency by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

@Public()
@Controller()
export class MetricsController {
  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  async metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
