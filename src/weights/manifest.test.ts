import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS_DIR } from '../cli/paths';
import { ManifestError, parseManifest } from './manifest';

const real = JSON.parse(readFileSync(join(MODELS_DIR, 'drn-a-50-imagenet', 'manifest.json'), 'utf8')) as Record<string, unknown>;

/** manifest.json as untrusted JSON: any field may hold anything (`x as never` puts a wrong type in). */
interface Loose {
  architecture: Record<string, unknown> & { levels: Record<string, unknown>[] };
  preprocessing: Record<string, unknown> & { resize: Record<string, unknown> };
}
type Edit = (m: Loose) => void;

/** The real manifest with one field changed (undefined removes it), through parseManifest. */
function parseWith(edit: Edit): () => unknown {
  const m = structuredClone(real);
  edit(m as unknown as Loose);
  return () => parseManifest(m, 'm.json');
}

describe('parseManifest', () => {
  it('reads the packages setup-models writes', () => {
    const m = parseManifest(real);
    expect(m.architecture.levels[2]).toEqual({
      kind: 'bottleneck',
      channels: 256,
      blocks: 6,
      stride: 1,
      dilation: 2,
      residual: true,
      entryDilation: 1,
    });
    expect(m.preprocessing.resize).toEqual({ mode: 'stretch', size: 224 });
  });

  it('names the first bad field of the architecture', () => {
    const cases: [Edit, RegExp][] = [
      [
        (m) => {
          m.architecture = 'resnet' as never;
        },
        /"architecture" must be an object, got "resnet"/,
      ],
      [
        (m) => {
          m.architecture.family = 'drn-e';
        },
        /"architecture\.family" must be one of "resnet", "drn-a", .*, got "drn-e"/,
      ],
      [
        (m) => {
          m.architecture.stem = undefined;
        },
        /"architecture\.stem" must be one of .*, got nothing/,
      ],
      [
        (m) => {
          m.architecture.stemChannels = 0;
        },
        /"architecture\.stemChannels" must be an integer >= 1, got 0/,
      ],
      [
        (m) => {
          m.architecture.strideIn = '2x2';
        },
        /"architecture\.strideIn" must be one of "1x1", "3x3"/,
      ],
      [
        (m) => {
          m.architecture.levels = [];
        },
        /"architecture\.levels" must be a non-empty list, got \[\]/,
      ],
      [
        (m) => {
          m.architecture.levels[3].dilation = 1.5;
        },
        /"architecture\.levels\[3\]\.dilation" must be an integer >= 1, got 1\.5/,
      ],
      [
        (m) => {
          m.architecture.levels[1].kind = 'dense';
        },
        /"architecture\.levels\[1\]\.kind" must be one of "basic", "bottleneck", "conv"/,
      ],
      [
        (m) => {
          m.architecture.levels[0].residual = 'yes';
        },
        /"architecture\.levels\[0\]\.residual" must be true or false, got "yes"/,
      ],
      [
        (m) => {
          m.architecture.levels[2].entryDilation = -1;
        },
        /"architecture\.levels\[2\]\.entryDilation" must be an integer >= 1, got -1/,
      ],
      [
        (m) => {
          m.architecture.levels[0].dilatation = 2;
        },
        /"architecture\.levels\[0\]\.dilatation" is not a field of architecture\.levels\[0\]/,
      ],
      [
        (m) => {
          m.architecture.numClasses = '1000';
        },
        /"architecture\.numClasses" must be an integer >= 1, got "1000"/,
      ],
      [
        (m) => {
          m.architecture.fcLinear = 1;
        },
        /"architecture\.fcLinear" must be true or false, got 1/,
      ],
    ];
    for (const [edit, message] of cases) {
      expect(parseWith(edit), String(message)).toThrow(ManifestError);
      expect(parseWith(edit), String(message)).toThrow(message);
    }
  });

  it('names the first bad field of the preprocessing', () => {
    const cases: [Edit, RegExp][] = [
      [
        (m) => {
          m.preprocessing = undefined as never;
        },
        /"preprocessing" must be an object, got nothing/,
      ],
      [
        (m) => {
          m.preprocessing.resize.mode = 'fit';
        },
        /"preprocessing\.resize\.mode" must be one of "stretch", "center-crop", got "fit"/,
      ],
      [
        (m) => {
          m.preprocessing.resize.size = 0;
        },
        /"preprocessing\.resize\.size" must be an integer >= 1, got 0/,
      ],
      [
        (m) => {
          m.preprocessing.resize = { mode: 'center-crop', resize: 256 };
        },
        /"preprocessing\.resize\.crop" must be an integer >= 1, got nothing/,
      ],
      [
        (m) => {
          m.preprocessing.resize = { mode: 'center-crop', resize: 200, crop: 224 };
        },
        /"preprocessing\.resize\.crop" \(224\) must not exceed/,
      ],
      [
        (m) => {
          m.preprocessing.channelOrder = 'GBR';
        },
        /"preprocessing\.channelOrder" must be one of "RGB", "BGR", got "GBR"/,
      ],
      [
        (m) => {
          m.preprocessing.scale = 0;
        },
        /"preprocessing\.scale" must be a number > 0, got 0/,
      ],
      [
        (m) => {
          m.preprocessing.mean = [1, 2];
        },
        /"preprocessing\.mean" must be 3 finite numbers, got \[1,2\]/,
      ],
      [
        (m) => {
          m.preprocessing.std = [1, 0, 1];
        },
        /"preprocessing\.std" must be 3 numbers > 0, got \[1,0,1\]/,
      ],
      [
        (m) => {
          m.preprocessing.mean = [1, null, 1];
        },
        /"preprocessing\.mean" must be 3 finite numbers, got \[1,null,1\]/,
      ],
    ];
    for (const [edit, message] of cases) expect(parseWith(edit), String(message)).toThrow(message);
  });
});
