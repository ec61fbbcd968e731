/**
 * Provenance of every number the project shows: the cost models, the pipeline's result table, the CLI and the page
 * share this module (it imports nothing, so any layer may use it).
 *
 * - A {@link Figure} is a number the models *output* (or a claim they are compared with): it is either
 *   `measured` on this machine, `modelled` by the estimators (its `source` names the formula and constants), or
 *   quoted from the `paper` (its abstract).
 * - A {@link Constant} is an *input* of the models (a device or link figure): its provenance says whether it comes
 *   from a vendor datasheet, from the authors' own measurements or publications, is derived from other constants,
 *   or is an assumption of ours. Assumptions are never tuned to reproduce the paper's numbers.
 */

/** Provenance of an output figure (closed union). */
export type Provenance = 'measured' | 'modelled' | 'paper';

/** Provenance of a model constant (closed union); `measured` = measured on this machine (e.g. a real serial link). */
export type ConstantProvenance = 'datasheet' | 'authors-measured' | 'authors-published' | 'derived' | 'assumption' | 'measured';

/** A number with its unit and where it comes from. */
export interface Figure {
  readonly value: number;
  /** Unit as printed, e.g. `ms`, `mJ`, `W`, `ALMs`, `bytes`, `%`. */
  readonly unit: string;
  readonly provenance: Provenance;
  /** How it was obtained: the formula and constants for `modelled`, the citation for `paper`, the run for `measured`. */
  readonly source: string;
}

/** A model input constant with its unit, provenance and source (citation or stated assumption). */
export interface Constant {
  readonly value: number;
  readonly unit: string;
  readonly provenance: ConstantProvenance;
  readonly source: string;
}

/** A modelled figure. */
export function modelled(value: number, unit: string, source: string): Figure {
  return { value, unit, provenance: 'modelled', source };
}

/** A figure quoted from the paper. */
export function fromPaper(value: number, unit: string, source: string): Figure {
  return { value, unit, provenance: 'paper', source };
}

/** A figure measured on this machine. */
export function measured(value: number, unit: string, source: string): Figure {
  return { value, unit, provenance: 'measured', source };
}

/** A constant (model input). */
export function constant(value: number, unit: string, provenance: ConstantProvenance, source: string): Constant {
  return { value, unit, provenance, source };
}

const PROVENANCES: readonly string[] = ['measured', 'modelled', 'paper'];

/** True when `x` is a well-formed Figure (finite value, non-empty unit and source, a known provenance). */
export function isFigure(x: unknown): x is Figure {
  if (typeof x !== 'object' || x === null) return false;
  const f = x as Record<string, unknown>;
  return (
    typeof f.value === 'number' && Number.isFinite(f.value) &&
    typeof f.unit === 'string' && f.unit.length > 0 &&
    typeof f.provenance === 'string' && PROVENANCES.includes(f.provenance) &&
    typeof f.source === 'string' && f.source.length > 0
  );
}

/** Format a number deterministically with `digits` significant digits (no locale, no exponent below 1e15). */
export function fmt(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const p = Number(value.toPrecision(digits));
  return String(p);
}
