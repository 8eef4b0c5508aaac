import { FileListQuerySchema, type FileObject, type List } from '@mediaflow/contracts';
import { Controller, Delete, Get, Param, Query } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { RequestOrigin } from '../http/request-origin';
import { parseQuery } from '../http/request-parsing';
import { FilesService } from './files.service';

@Controller('files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Get()
  list(
    @CurrentPrincipal() caller: Principal,
    @Query() query: unknown,
    @RequestOrigin() origin: string,
  ): Promise<List<FileObject>> {
    return this.files.list(caller.projectId, parseQuery(FileListQuerySchema, query), origin);
  }

  @Get(':id')
  get(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @RequestOrigin() origin: string,
  ): Promise<FileObject> {
    return this.files.get(caller.projectId, id, origin);
  }

  @Delete(':id')
  delete(@CurrentPrincipal() caller: Principal, @Param('id') id: string) {
    return this.files.delete(caller.projectId, id);
  }
}
