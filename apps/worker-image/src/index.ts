export { IMAGE_WORKER_SERVICE, startImageWorker, type StartImageWorkerOptions } from './bootstrap';
export { imageWorkerConfigSchema, type ImageWorkerConfig } from './config';
export { imageHandlers, nsfwClassifier, type ImageHandlersOptions } from './handlers';
export { imagePlan, type ImagePlan, type ImageOptions, type PlanInput } from './image/image-plan';
export { decodeModelInput, type ModelInput } from './nsfw/model-input';
export { NSFW_BACKENDS, type NsfwBackend } from './nsfw/nsfw-backends';
export { NsfwClassifier, type NsfwClassifierSettings } from './nsfw/nsfw-classifier';
export { NSFW_MODEL_NAMES, NSFW_MODELS, type NsfwModelName } from './nsfw/nsfw-models';
export {
  NSFW_CLASSES,
  nsfwVerdict,
  unsafeScore,
  type NsfwScores,
  type NsfwVerdict,
} from './nsfw/nsfw-verdict';
export type { NsfwFrame, NsfwResult } from './nsfw/nsfw.service';
