let processName: string | undefined;

/**
 * The service name on this process's logs and metrics: the first one asked
 * for. A process is one service, except the all-in-one, which names itself
 * before starting every app: nestjs-pino and the metrics registry are one
 * per process, so each app's own name would otherwise label the others' lines.
 */
export function processServiceName(service: string): string {
  processName ??= service;
  return processName;
}
