import {
  MediaflowError,
  type Automation,
  type AutomationStatus,
  type ErrorDetail,
} from '@mediaflow/contracts';
import { parseAutomationCreate } from '@mediaflow/workflow';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { WorkFailedError } from '../cli-errors';

/** One automation as a file describes it, before checking. */
export interface AutomationDocument {
  /** `automation.yaml`, or `all.yaml#2` for the second document of a file. */
  source: string;
  body: unknown;
}

/**
 * The fields `apply` holds to what the file says. `status` only when the
 * file names it: otherwise a `mediaflow automations pause` done by hand is
 * not undone by the next apply in CI.
 */
export interface ManagedFields {
  name: string;
  description: Automation['description'];
  workflow: Automation['workflow'];
  trigger: Automation['trigger'];
  status?: AutomationStatus;
}

/** An automation as it should be, in the stored form the API answers. */
export interface DesiredAutomation {
  source: string;
  fields: ManagedFields;
}

/**
 * The automations in a file: JSON (an object, or an array of them) for
 * `.json`; otherwise YAML, where `---` separates several.
 */
export function parseAutomationFile(text: string, fileName: string): AutomationDocument[] {
  const base = path.basename(fileName);
  if (path.extname(fileName).toLowerCase() === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new WorkFailedError(`${base}: not valid JSON: ${(error as Error).message}`);
    }
    const bodies = Array.isArray(value) ? value : [value];
    return bodies.map((body, i) => ({ source: numbered(base, i, bodies.length), body }));
  }
  const documents = parseAllDocuments(text, { prettyErrors: true });
  if (!Array.isArray(documents)) return []; // an empty stream: no document at all
  const problems = documents.flatMap((doc) => doc.errors.map((error) => error.message));
  if (problems.length > 0) {
    throw new WorkFailedError(`${base}: not valid YAML:\n${problems.join('\n')}`);
  }
  const bodies = documents.map((doc) => doc.toJS() as unknown).filter((body) => body != null);
  return bodies.map((body, i) => ({ source: numbered(base, i, bodies.length), body }));
}

function numbered(base: string, index: number, count: number): string {
  return count > 1 ? `${base}#${index + 1}` : base;
}

/**
 * Checks a document as the API will (the same code: @mediaflow/workflow)
 * and brings it to the stored form (options under `options`, defaults
 * filled in), so that it compares field for field with what the API
 * answers, and a mistake is reported before anything is sent.
 */
export function desiredAutomation(document: AutomationDocument): DesiredAutomation {
  let checked: ReturnType<typeof parseAutomationCreate>;
  try {
    checked = parseAutomationCreate(document.body);
  } catch (error) {
    if (error instanceof MediaflowError) {
      throw new WorkFailedError(
        `${document.source}: ${error.message}${formatDetails(error.details ?? [])}`,
      );
    }
    throw error;
  }
  const fields: ManagedFields = {
    name: checked.name,
    description: checked.description,
    workflow: checked.workflow,
    trigger: checked.trigger,
  };
  const statusGiven = (document.body as Record<string, unknown>).status !== undefined;
  if (statusGiven) fields.status = checked.status;
  return { source: document.source, fields };
}

function formatDetails(details: ErrorDetail[]): string {
  return details.map((d) => `\n  ${d.path || '(the document)'}: ${d.message}`).join('');
}
