// What a registry entry supplies per resource: behaviour (strategy) and presentation (table).
import type { FieldError } from '../api/field.js';
import type { KObject, UserInfo } from '../api/types.js';

export interface StrategyContext {
  user?: UserInfo;
  /** Reads other objects from the watch cache (for cross-object validation). */
  now: number;
}

export interface ResourceStrategy {
  /** Scheme defaulting (SetDefaults_*); mutates. Runs on create, update and on patch results. */
  defaults?(obj: KObject): void;
  /** PrepareForCreate: clear status, set generation, etc.; mutates. */
  prepareForCreate?(obj: KObject, ctx: StrategyContext): void;
  /** PrepareForUpdate: keep status from old, bump generation on spec change; mutates `obj`. */
  prepareForUpdate?(obj: KObject, old: KObject, ctx: StrategyContext): void;
  /** Full validation of a new object, including metadata (ValidateObjectMeta); Kubernetes' messages. */
  validate(obj: KObject): FieldError[];
  /** Update validation (immutable fields etc.), including ValidateObjectMetaUpdate. */
  validateUpdate(obj: KObject, old: KObject): FieldError[];
  /** Non-fatal warnings returned as `Warning: 299 - "..."` headers. */
  warningsOnCreate?(obj: KObject): string[];
  warningsOnUpdate?(obj: KObject, old: KObject): string[];
}

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TablePrinter {
  columns: ColumnDefinition[];
  /** One row's cells, in column order. `now` is ms since epoch (for Age columns). */
  row(obj: KObject, now: number): unknown[];
}
