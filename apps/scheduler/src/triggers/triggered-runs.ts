import type { Automation } from '@mediaflow/contracts';
import { automationsTriggeredBy, validateWorkflow } from '@mediaflow/workflow';
import type { FileRow } from '../files/file-row';
import { fileProperties } from '../files/stored-file';
import type { RunRequest } from '../runs/run-plan';

export interface TriggeredRuns {
  /** One run per automation the file fires, in the registry's order (oldest automation first). */
  runs: RunRequest[];
  /** Automations that matched but whose workflow this scheduler refuses (a registry of another version). */
  refused: { automationId: string; reason: string }[];
}

/**
 * The runs a file stored by `POST /files` starts: one for each active
 * automation whose `file.created` trigger its properties meet, on the file,
 * naming it as what fired them. The workflow is checked again, as for any
 * run: the scheduler owns runs and trusts no one's copy.
 */
export function triggeredRuns(file: FileRow, automations: readonly Automation[]): TriggeredRuns {
  const result: TriggeredRuns = { runs: [], refused: [] };
  for (const automation of automationsTriggeredBy(
    automations,
    'file.created',
    fileProperties(file),
  )) {
    const checked = validateWorkflow(automation.workflow);
    if (!checked.ok) {
      const reason = checked.details.map((d) => `${d.path}: ${d.message}`).join('; ');
      result.refused.push({ automationId: automation.id, reason });
      continue;
    }
    result.runs.push({
      projectId: file.project_id,
      automationId: automation.id,
      subject: { kind: 'workflow', workflow: checked.workflow },
      source: { file_id: file.id },
      webhook: null,
      triggerFileId: file.id,
    });
  }
  return result;
}
