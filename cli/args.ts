/** Tiny flag parser for the CLI: positionals plus `--name value`, `--name=value` and boolean `--flag`. */

/** A usage error: printed with the command's usage line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
}

/**
 * Parse argv. `booleans` lists flags that take no value; any other `--flag` consumes the next argument.
 * Unknown flags (not in `known`) throw a UsageError naming them.
 */
export function parseArgs(argv: readonly string[], known: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!known.includes(name) && !booleans.includes(name)) throw new UsageError(`unknown option --${name} (known: ${[...known, ...booleans].map((k) => '--' + k).join(', ')})`);
    if (booleans.includes(name)) {
      flags.set(name, true);
    } else if (eq >= 0) {
      flags.set(name, a.slice(eq + 1));
    } else {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`option --${name} needs a value`);
      flags.set(name, v);
      i++;
    }
  }
  return { positionals, flags };
}

/** A string flag or a default. */
export function flagString(p: ParsedArgs, name: string, dflt?: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : dflt;
}

/** An integer flag (throws UsageError naming the flag on a non-integer). */
export function flagInt(p: ParsedArgs, name: string, dflt?: number): number | undefined {
  const v = p.flags.get(name);
  if (typeof v !== 'string') return dflt;
  if (!/^-?\d+$/.test(v)) throw new UsageError(`option --${name} expects an integer, got '${v}'`);
  return Number(v);
}

/** A number flag. */
export function flagNumber(p: ParsedArgs, name: string, dflt?: number): number | undefined {
  const v = p.flags.get(name);
  if (typeof v !== 'string') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`option --${name} expects a number, got '${v}'`);
  return n;
}

/** One value of a closed union, or a UsageError listing the allowed values. */
export function flagChoice<T extends string>(p: ParsedArgs, name: string, allowed: readonly T[], dflt: T): T {
  const v = p.flags.get(name);
  if (typeof v !== 'string') return dflt;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`option --${name} must be one of ${allowed.join(', ')}; got '${v}'`);
  return v as T;
}
