import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { AuthService } from './auth.service';
import { CredentialWatch } from './credential-watch';

/**
 * Global: every feature that holds a connection open on a credential
 * (the event streams of tasks and of projects) must hear of its revocation.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity])],
  providers: [AuthService, CredentialWatch],
  exports: [AuthService, CredentialWatch],
})
export class AuthModule {}
