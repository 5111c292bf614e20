// Labelling a folder (the research panel): its progress, the boxes found per image and the images
// that could not be read. A small reducer the page's main reducer holds under `label`. Pure.
import type { LabeledImage } from '../../localize/label-writers';

export type LabelStatus = 'running' | 'paused' | 'done' | 'cancelled';

export interface LabelState {
  status: LabelStatus;
  /** The class names labelled, in the order of the files' class lists. */
  classes: string[];
  total: number;
  images: LabeledImage[];
  /** Images that could not be read or run, each with the reason. */
  problems: { path: string; problem: string }[];
}

export type LabelAction =
  | { type: 'start'; classes: string[]; total: number }
  | { type: 'image'; image: LabeledImage }
  | { type: 'failed'; path: string; problem: string }
  | { type: 'status'; status: LabelStatus }
  | { type: 'clear' };

export function labelReducer(s: LabelState | null, a: LabelAction): LabelState | null {
  if (a.type === 'start') return { status: 'running', classes: a.classes, total: a.total, images: [], problems: [] };
  if (a.type === 'clear' || !s) return null;
  switch (a.type) {
    case 'image':
      return { ...s, images: [...s.images, a.image] };
    case 'failed':
      return { ...s, problems: [...s.problems, { path: a.path, problem: a.problem }] };
    case 'status':
      return { ...s, status: a.status };
  }
}

export const labelHandled = (s: LabelState): number => s.images.length + s.problems.length;
