import { idSchema } from '@mediaflow/contracts';
import { z } from 'zod';

/** `GET /events/stream`'s filters: one task (a run: with its steps), or one automation's runs. */
export const EventStreamQuerySchema = z
  .object({
    task_id: idSchema('task').optional().describe('Only this task, and its steps when it is a run'),
    automation_id: idSchema('auto')
      .optional()
      .describe("Only the runs of this automation, and their steps'"),
  })
  .strict();
