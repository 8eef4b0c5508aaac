import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { ProjectsModule } from '../projects/projects.module';
import { SettingsModule } from '../settings/settings.module';
import { TaskChangesModule } from '../task-changes/task-changes.module';
import { FileContentController } from './file-content.controller';
import { FileContentService } from './file-content.service';
import { FileIngestService } from './file-ingest.service';
import { FileUrls } from './file-urls';
import { FilesController } from './files.controller';
import { FilesService } from './files.service';
import { PartialWriteSweeper } from './partial-write-sweeper';
import { signingSecretProvider } from './signing-secret';
import { StagedUploads } from './staged-uploads';
import { storageProvider } from './storage.provider';

@Module({
  imports: [AuthModule, SettingsModule, IdempotencyModule, TaskChangesModule, ProjectsModule],
  controllers: [FilesController, FileContentController],
  providers: [
    signingSecretProvider,
    storageProvider,
    FileUrls,
    FilesService,
    FileContentService,
    StagedUploads,
    FileIngestService,
    PartialWriteSweeper,
  ],
  exports: [FileUrls],
})
export class FilesModule {}
