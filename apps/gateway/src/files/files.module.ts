import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SettingsModule } from '../settings/settings.module';
import { FileContentController } from './file-content.controller';
import { FileContentService } from './file-content.service';
import { FileUrls } from './file-urls';
import { FilesController } from './files.controller';
import { FilesService } from './files.service';
import { signingSecretProvider } from './signing-secret';
import { storageProvider } from './storage.provider';

@Module({
  imports: [AuthModule, SettingsModule],
  controllers: [FilesController, FileContentController],
  providers: [signingSecretProvider, storageProvider, FileUrls, FilesService, FileContentService],
  exports: [FileUrls],
})
export class FilesModule {}
