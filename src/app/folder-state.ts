// The folder evaluation's state and its small reducer (the page's main reducer holds it under
// `folder`): the images run so far with what the metrics need of each, the input problems, and
// the set's figures once a run ends or pauses.
import type { SetFigures } from '../localize/eval-report';
import type { FolderProblem, FolderSet } from '../localize/folder-set';
import type { EvalSample } from '../localize/metrics';

export type FolderStatus = 'running' | 'paused' | 'done' | 'cancelled';

/**
 * (teach) What a run evaluates: each image's own annotated class, or a taught class that every image
 * is taken to show (`absent`: to show no such object, so its detection rate is the false-positive
 * rate), as `eval --head [--absent]` does.
 */
export interface FolderTaught {
  index: number;
  name: string;
  absent: boolean;
}

export interface FolderSample {
  path: string;
  sample: EvalSample;
}

export interface FolderState {
  status: FolderStatus;
  modelKey: string;
  format: FolderSet['format'];
  /** (teach) The taught class the run evaluates, or null for each image's own class. */
  taught: FolderTaught | null;
  /** Images with ground truth to run. */
  total: number;
  samples: FolderSample[];
  /** Images handled so far: run, or failed (then listed in problems). */
  handled: number;
  /** Input problems (from matching, and images that failed to decode or run), in the order met. */
  problems: FolderProblem[];
  /**
   * Computed from the samples when a run ends or pauses (the same code as `eval --json`); null
   * while nothing has been evaluated, so that no 0.0% figure stands for "no images".
   */
  figures: SetFigures | null;
  /** Wall seconds of the run so far, pauses excluded. */
  seconds: number;
}

export type FolderAction =
  | { type: 'start'; modelKey: string; format: FolderSet['format']; taught: FolderTaught | null; total: number; problems: FolderProblem[] }
  | { type: 'sample'; item: FolderSample }
  /** An image of the set that could not be decoded or run (it counts as handled). */
  | { type: 'failed'; problem: FolderProblem }
  | { type: 'status'; status: FolderStatus }
  | { type: 'figures'; figures: SetFigures; seconds: number }
  | { type: 'clear' };

export function folderReducer(s: FolderState | null, a: FolderAction): FolderState | null {
  if (a.type === 'start')
    return {
      status: 'running',
      modelKey: a.modelKey,
      format: a.format,
      taught: a.taught,
      total: a.total,
      samples: [],
      handled: 0,
      problems: a.problems,
      figures: null,
      seconds: 0,
    };
  if (a.type === 'clear' || !s) return null;
  switch (a.type) {
    case 'sample':
      return { ...s, samples: [...s.samples, a.item], handled: s.handled + 1 };
    case 'failed':
      return { ...s, problems: [...s.problems, a.problem], handled: s.handled + 1 };
    case 'status':
      return { ...s, status: a.status };
    case 'figures':
      return { ...s, figures: s.samples.length ? a.figures : null, seconds: a.seconds };
  }
}
