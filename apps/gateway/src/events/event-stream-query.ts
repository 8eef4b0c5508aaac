import { idSchema } from '@mediaflow/contracts';
import { z } from 'zod';

/** `GET /events/stream`'s filters: one task (a run: with its steps), or one automation (its runs, and its own events). */
export const EventStreamQuerySchema = z
  .object({
    task_id: idSchema('task').optional().describe('Only this task, and its steps when it is a run'),
    automation_id: idSchema('auto')
      .optional()
      .describe("Only the runs of this automation and their steps', and its own events"),
  })
  .strict();
