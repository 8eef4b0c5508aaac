export { ALL_IN_ONE_SERVICE, startAllInOne, type RunningAllInOne } from './all-in-one';
export { allInOneConfigs, ALL_IN_ONE_LOG_LEVEL, type AllInOneConfigs } from './app-configs';
export { startupApiKey, type StartupApiKey } from './api-key';
export { startedBanner } from './banner';
