// The device machine's entry: only `bench`, so the bundle needs neither @napi-rs/canvas nor the models.
import { benchCommand } from '../../src/cli/bench';

process.exitCode = await benchCommand(process.argv.slice(2));
