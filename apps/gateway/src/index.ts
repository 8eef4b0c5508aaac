export { startGateway, type RunningGateway, type StartGatewayOptions } from './bootstrap';
export { gatewayConfigSchema, GATEWAY_CONFIG, type GatewayConfig } from './config';
export { GatewayModule, GATEWAY_SERVICE, type GatewayModuleOptions } from './gateway.module';
export { createGatewayHttpAdapter } from './http/http-adapter';
export { buildOpenApiDocument } from './openapi/openapi-document';
