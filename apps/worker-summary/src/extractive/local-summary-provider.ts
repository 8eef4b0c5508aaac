import type { SummaryProvider, SummaryRequest, TextToSummarise } from '../summary/summary-provider';
import { extractiveSummary } from './extractive-summary';

/**
 * The embedded default: extractive summarisation by TextRank, no network.
 * It picks the text's own sentences, so it writes in the text's language
 * whatever `language` asks, and it cannot see.
 */
export class LocalSummaryProvider implements SummaryProvider {
  readonly name = 'local (textrank)';

  async summariseText(text: TextToSummarise, request: SummaryRequest): Promise<string> {
    return extractiveSummary(text, { ...request, language: text.language ?? request.language });
  }
}
