export { startRegistry, type RunningRegistry, type StartRegistryOptions } from './bootstrap';
export { registryConfigSchema, type RegistryConfig } from './config';
export {
  RegistryModule,
  REGISTRY_SCHEMA,
  REGISTRY_SERVICE,
  type RegistryModuleOptions,
} from './registry.module';
