import type { z } from 'zod';

/** One problem in a config file, located by its path. */
export interface ConfigProblem {
  /** Dotted path such as `sources.crm.auth.type`. */
  readonly path: string;
  /** What is wrong and, where known, the valid values. */
  readonly message: string;
}

/** A config file that cannot be used; `problems` lists every problem with its path. Never retryable. */
export class ConfigError extends Error {
  /** Stable error code. */
  readonly code = 'CONFIG_INVALID';
  /** Every problem found. */
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    super(`${file}: invalid config\n${problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Turns zod issues into problems that name the config path and, for enums and unions, the valid values. */
export function problemsFromZod(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: describeIssue(issue) }));
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `got ${JSON.stringify(inputOf(issue))}; valid: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    default:
      return issue.message;
  }
}

function inputOf(issue: z.core.$ZodIssue): unknown {
  return (issue as { input?: unknown }).input;
}
