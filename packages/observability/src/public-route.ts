import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'mediaflow:public';

/**
 * A route answered without an API key (health, metrics, the API docs). It
 * lives here so that the probes' own controllers can carry it.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
