// The folder evaluation's per-image table and its exports (JSON in the shape of `eval --json`'s
// figures plus the images and the problems; CSV of the images). Pure, shared by page and tests.
import type { BoxRule } from './boxes';
import type { SetFigures } from './eval-report';
import type { FolderProblem } from './folder-set';
import { gtKnownLoc, ruleIoU, top1Loc, type EvalSample } from './metrics';

export interface FolderRow {
  /** Position in the set (0-based, the annotation order). */
  index: number;
  path: string;
  gtClass: number;
  topClass: number;
  correct: boolean;
  /** Best IoU with the ground truth of the GT class's box at the rule and threshold. */
  iou: number;
  /** IoU >= 0.5, as GT-known Loc counts it. */
  found: boolean;
}

export function folderRows(items: readonly { path: string; sample: EvalSample }[], rule: BoxRule, threshold: number): FolderRow[] {
  return items.map(({ path, sample: s }, index) => {
    const iou = ruleIoU(s, s.gtClass, rule, threshold);
    return { index, path, gtClass: s.gtClass, topClass: s.topClass, correct: s.topClass === s.gtClass, iou, found: iou >= 0.5 };
  });
}

/** Top-1 Loc and GT-known Loc at one rule and threshold (the page's current ones). */
export function figuresAt(
  samples: readonly EvalSample[],
  rule: BoxRule,
  threshold: number,
): { rule: BoxRule; threshold: number; top1Loc: number; gtKnownLoc: number } {
  return { rule, threshold, top1Loc: top1Loc(samples, rule, threshold), gtKnownLoc: gtKnownLoc(samples, rule, threshold) };
}

export interface FolderReport extends SetFigures {
  model: string;
  format: string;
  images: number;
  seconds: number;
  /** The rule and threshold the table's IoUs are given at. */
  at: { rule: BoxRule; threshold: number };
  perImage: (FolderRow & { gtName: string; topName: string })[];
  problems: FolderProblem[];
}

const csvCell = (v: string | number | boolean) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function rowsCsv(rows: FolderReport['perImage']): string {
  const head = ['index', 'image', 'gt_class', 'gt_name', 'top1_class', 'top1_name', 'correct', 'iou', 'found'];
  return (
    [
      head.join(','),
      ...rows.map((r) => [r.index, r.path, r.gtClass, r.gtName, r.topClass, r.topName, r.correct, r.iou.toFixed(4), r.found].map(csvCell).join(',')),
    ].join('\n') + '\n'
  );
}
