// The one CLI entry point: `npm run cli -- <command>`.
import { fetchModels } from './fetch-models';

const [command, ...args] = process.argv.slice(2);
void args;
try {
  if (command === 'fetch-models') await fetchModels();
  else throw new Error(`unknown command ${command}`);
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exitCode = 1;
}
