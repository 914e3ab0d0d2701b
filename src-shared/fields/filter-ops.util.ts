/** Which filter operators each family of field types offers (see FieldTypeDef.filterOps). */
import type { FilterOp } from '../query/query.types';

export const TEXT_OPS = ['=', '!=', 'contains', 'notContains', 'startsWith', 'isEmpty', 'isNotEmpty'] as const satisfies readonly FilterOp[];
export const NUMERIC_OPS = ['=', '!=', '<', '<=', '>', '>=', 'isEmpty', 'isNotEmpty'] as const satisfies readonly FilterOp[];
/** Dates compare like numbers and add "within the past/next N days". */
export const DATE_OPS = [...NUMERIC_OPS, 'withinPastDays', 'withinNextDays'] as const satisfies readonly FilterOp[];
/** `= true` is checked; `= false` matches empty (unchecked) cells. */
export const CHECKBOX_OPS = ['='] as const satisfies readonly FilterOp[];
export const SINGLE_SELECT_OPS = ['=', '!=', 'anyOf', 'isEmpty', 'isNotEmpty'] as const satisfies readonly FilterOp[];
/** `=` means exactly this set of choices (order ignored); `contains` means has this choice. */
export const MULTI_SELECT_OPS = ['=', 'anyOf', 'allOf', 'contains', 'isEmpty', 'isNotEmpty'] as const satisfies readonly FilterOp[];
/** `contains` matches attachment file names. */
export const ATTACHMENT_OPS = ['contains', 'isEmpty', 'isNotEmpty'] as const satisfies readonly FilterOp[];
/** `contains` matches the compact JSON text. */
export const JSON_OPS = ['contains', 'notContains', 'isEmpty', 'isNotEmpty'] as const satisfies readonly FilterOp[];
