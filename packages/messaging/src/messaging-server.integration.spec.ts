import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { MediaflowError, defineRpc } from '@mediaflow/contracts';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import { z } from 'zod';
import { MessagingServer, RpcErrorPassthroughFilter } from './messaging-server';
import { NatsMessageBus } from './nats-message-bus';

const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

const greet = defineRpc({
  subject: 'test.greet',
  version: 1,
  request: z.object({ name: z.string() }),
  response: z.object({ greeting: z.string() }),
});
const fail = defineRpc({
  subject: 'test.fail',
  version: 1,
  request: z.object({ code: z.enum(['not_found', 'conflict']) }),
  response: z.object({}),
});

@Controller()
class GreetingHandler {
  @MessagePattern(greet.subject)
  async greet({ name }: { name: string }) {
    return { greeting: `hello ${name}` };
  }

  @MessagePattern(fail.subject)
  fail({ code }: { code: 'not_found' | 'conflict' }) {
    throw new MediaflowError(code, `failed with ${code}`);
  }
}

@Module({ controllers: [GreetingHandler] })
class GreetingModule {}

describe('MessagingServer (a NestJS transport over the bus)', () => {
  let server: NatsMessageBus;
  let caller: NatsMessageBus;
  let app: INestMicroservice;

  beforeAll(async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    server = await NatsMessageBus.connect({ url, name: 'server', subjectPrefix: prefix });
    caller = await NatsMessageBus.connect({ url, name: 'caller', subjectPrefix: prefix });
    app = await NestFactory.createMicroservice(GreetingModule, {
      strategy: new MessagingServer(server, { queue: 'greeter', definitions: [greet, fail] }),
      logger: false,
    });
    app.useGlobalFilters(new RpcErrorPassthroughFilter());
    await app.listen();
  });
  afterAll(async () => {
    await app.close();
    await server.close();
    await caller.close();
  });

  it('serves @MessagePattern handlers on their contract subjects', async () => {
    await expect(caller.request(greet, { name: 'ada' })).resolves.toEqual({
      greeting: 'hello ada',
    });
  });

  it.each(['not_found', 'conflict'] as const)(
    'passes a thrown MediaflowError (%s) through to the caller',
    async (code) => {
      await expect(caller.request(fail, { code })).rejects.toMatchObject({
        code,
        message: `failed with ${code}`,
      });
    },
  );

  it('refuses to start a handler whose subject has no contract', async () => {
    @Controller()
    class Orphan {
      @MessagePattern('test.orphan')
      orphan() {
        return {};
      }
    }
    @Module({ controllers: [Orphan] })
    class OrphanModule {}
    const orphanApp = await NestFactory.createMicroservice(OrphanModule, {
      strategy: new MessagingServer(server, { queue: 'orphan', definitions: [greet] }),
      logger: false,
    });
    await expect(orphanApp.listen()).rejects.toThrow(/test.orphan.*has no contract/);
    await orphanApp.close();
  });
});
