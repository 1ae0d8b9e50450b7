/**
 * The one command-line runner of the spec tools (spec-diff, spec-bump), so both speak the same exit codes:
 *   0  nothing changed / done       1  changes found (spec-diff)
 *   2  bad input: one line on stderr, no stack trace
 *   3  a bug in the tool: one line on stderr (the stack too when SPEC_TOOLS_DEBUG is set)
 */
import { parseArgs } from 'node:util';
import { SpecInputError } from './errors';

export const EXIT = { ok: 0, changes: 1, badInput: 2, bug: 3 } as const;

type Options = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/**
 * Parse options and positionals; an unknown or malformed option is bad input. Returns undefined after
 * printing the usage for --help / -h.
 */
export function parseCli<O extends Options>(argv: string[], options: O, usage: string): { values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string }; positionals: string[] } | undefined {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...options, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    throw new SpecInputError(`${(err as Error).message.split('\n')[0].split('. ')[0]}; ${usage}`);
  }
  if (parsed.values.help) {
    console.log(usage);
    return undefined;
  }
  return parsed as never;
}

/** A warning on stderr, in the tool's voice; it does not change the exit status. */
export function warn(tool: string, message: string): void {
  console.error(`${tool}: warning: ${message}`);
}

/** Print what went wrong on one line and give the exit status for it. */
export function exitCodeFor(tool: string, err: unknown): number {
  if (err instanceof SpecInputError) {
    console.error(`${tool}: ${err.message.split('\n')[0]}`);
    return EXIT.badInput;
  }
  const e = err as Error | undefined;
  console.error(`${tool}: internal error: ${String(e?.message ?? err).split('\n')[0]}`);
  if (process.env.SPEC_TOOLS_DEBUG && e?.stack) console.error(e.stack);
  return EXIT.bug;
}

/**
 * Run a tool's main and set the exit status. process.exitCode rather than process.exit(), so a large report
 * written to a pipe drains before the process ends.
 */
export function runCli(tool: string, main: (argv: string[]) => number | Promise<number>, argv = process.argv.slice(2)): Promise<void> {
  return Promise.resolve()
    .then(() => main(argv))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (err: unknown) => {
        process.exitCode = exitCodeFor(tool, err);
      },
    );
}
