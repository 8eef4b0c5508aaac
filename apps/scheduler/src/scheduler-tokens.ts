/** The parsed configuration, for providers that read it. */
export const SCHEDULER_CONFIG = Symbol('SCHEDULER_CONFIG');
/** The @mediaflow/storage driver where files' bytes live. */
export const STORAGE = Symbol('STORAGE');
