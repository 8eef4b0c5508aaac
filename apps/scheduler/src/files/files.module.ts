import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { FilesHandler } from './files.handler';
import { FilesService } from './files.service';

@Module({
  imports: [RunsModule],
  controllers: [FilesHandler],
  providers: [FilesService],
})
export class FilesModule {}
