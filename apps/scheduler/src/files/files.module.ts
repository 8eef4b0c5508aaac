import { Module } from '@nestjs/common';
import { FilesHandler } from './files.handler';
import { FilesService } from './files.service';

@Module({
  controllers: [FilesHandler],
  providers: [FilesService],
})
export class FilesModule {}
