import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { FilesRpcController } from './files.rpc-controller';
import { FilesService } from './files.service';

@Module({
  imports: [RunsModule],
  controllers: [FilesRpcController],
  providers: [FilesService],
})
export class FilesModule {}
