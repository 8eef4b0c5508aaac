import { CreateScheduler1796000000000 } from './1796000000000-create-scheduler';

/** Every migration of the scheduler schema, oldest first. */
export const schedulerMigrations = [CreateScheduler1796000000000];
