import { z } from 'zod';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

/**
 * Query-string integers: digits only, so `1.5`, `1e2`, ` 3` and `` are all
 * refused rather than coerced into something the caller did not write.
 */
function queryInt(min: number, max: number, fallback: number) {
  return z
    .union([z.string(), z.number()])
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fallback;
      const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });
}

export const PageQuerySchema = z.object({
  page: queryInt(1, Number.MAX_SAFE_INTEGER, 1).describe('Page number, from 1'),
  limit: queryInt(1, MAX_PAGE_LIMIT, DEFAULT_PAGE_LIMIT).describe('Items per page, 1..100'),
});
export type PageQuery = z.output<typeof PageQuerySchema>;

export const ListMetaSchema = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  pages: z.number().int(),
});
export type ListMeta = z.infer<typeof ListMetaSchema>;

export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({ object: z.literal('list'), data: z.array(item), meta: ListMetaSchema });
}

export interface List<T> {
  object: 'list';
  data: T[];
  meta: ListMeta;
}

export function toList<T>(data: T[], query: PageQuery, total: number): List<T> {
  return {
    object: 'list',
    data,
    meta: { page: query.page, limit: query.limit, total, pages: Math.ceil(total / query.limit) },
  };
}
