import { ID_PREFIX, idSchema } from '@mediaflow/contracts';
import { uploadKey } from '@mediaflow/storage';

const fileId = idSchema(ID_PREFIX.file);

/**
 * Whether `key` is one of the project's upload keys, exactly as storage's
 * uploadKey makes them (`projects/<project>/files/<file id>/<name>`): where
 * the gateway stages an upload. The scheduler deletes a staged upload once
 * its ingest ends, so it takes no other key.
 */
export function isUploadKeyOf(projectId: string, key: string): boolean {
  const [root, project, files, id, name, ...rest] = key.split('/');
  if (root !== 'projects' || project !== projectId || files !== 'files' || rest.length > 0)
    return false;
  if (!id || !name || !fileId.safeParse(id).success) return false;
  try {
    return uploadKey(projectId, id, name) === key;
  } catch {
    return false;
  }
}
