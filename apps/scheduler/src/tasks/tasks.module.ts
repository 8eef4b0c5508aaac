import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { TasksRpcController } from './tasks.rpc-controller';
import { TasksService } from './tasks.service';

@Module({
  imports: [RunsModule],
  controllers: [TasksRpcController],
  providers: [TasksService],
})
export class TasksModule {}
