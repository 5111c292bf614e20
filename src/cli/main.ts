// The one CLI entry point: `npm run cli -- <command> ...`. Every failure ends as one line on
// stderr and a non-zero exit code; DEBUG=1 adds the stack trace.
import { BENCH_USAGE, benchCommand } from './bench';
import { EVAL_USAGE, evalCommand } from './eval';
import { CONVERT_USAGE, convertCommand } from './convert';
import { GRIDDING_USAGE, griddingCommand } from './gridding';
import { FETCH_MODELS_USAGE, fetchModelsCommand } from './fetch-models';
import { COMPARE_USAGE, compareCommand } from './compare';
import { LOCATE_USAGE, locateCommand } from './locate';
import { TEACH_USAGE, teachCommand } from './teach';
import { LABEL_USAGE, labelCommand } from './label';

type Command = (args: string[]) => Promise<number | void>;

const COMMANDS: Record<string, { usage: string; run: Command }> = {
  'fetch-models': { usage: FETCH_MODELS_USAGE, run: fetchModelsCommand },
  locate: { usage: LOCATE_USAGE, run: locateCommand },
  convert: { usage: CONVERT_USAGE, run: convertCommand },
  eval: { usage: EVAL_USAGE, run: evalCommand },
  compare: { usage: COMPARE_USAGE, run: compareCommand },
  bench: { usage: BENCH_USAGE, run: benchCommand },
  gridding: { usage: GRIDDING_USAGE, run: griddingCommand },
  teach: { usage: TEACH_USAGE, run: teachCommand },
  label: { usage: LABEL_USAGE, run: labelCommand },
};

const USAGE = `usage: npm run cli -- <command>\n${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}`)
  .join('\n')}`;

const [name, ...args] = process.argv.slice(2);
const command = name ? COMMANDS[name] : undefined;
if (!command) {
  console.error(name && name !== '--help' ? `error: unknown command ${name}\n${USAGE}` : USAGE);
  process.exitCode = name === '--help' ? 0 : 2;
} else {
  try {
    process.exitCode = (await command.run(args)) ?? 0;
  } catch (e) {
    const err = e as Error;
    console.error(`error: ${err.message}`);
    if (process.env.DEBUG) console.error(err.stack);
    process.exitCode = err.name === 'UsageError' || (err as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 2 : 1;
  }
}
