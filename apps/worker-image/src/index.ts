export { IMAGE_WORKER_SERVICE, startImageWorker, type StartImageWorkerOptions } from './bootstrap';
export { imageWorkerConfigSchema, type ImageWorkerConfig } from './config';
export { imageHandlers } from './handlers';
export { imagePlan, type ImagePlan, type ImageOptions, type PlanInput } from './image/image-plan';
