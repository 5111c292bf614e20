import { describe, expect, it } from 'vitest';
import type { InputTransform } from '../image/geometry';
import { figuresAt, folderRows, rowsCsv } from './folder-report';
import type { EvalSample } from './metrics';

// A 4x4 map over a 32x32 photo (8 px cells) with one hot cell block; identity geometry.
const transform: InputTransform = {
  imageWidth: 32,
  imageHeight: 32,
  inputSize: 32,
  scaleX: 1,
  scaleY: 1,
  offsetX: 0,
  offsetY: 0,
  prepool: 1,
  resizedWidth: 32,
  resizedHeight: 32,
};
function sample(hot: [number, number], gtBox: [number, number, number, number], topClass: number): EvalSample {
  const plane = new Float32Array(16);
  plane[hot[1] * 4 + hot[0]] = 5;
  return {
    gtClass: 2,
    gtBoxes: [gtBox],
    topClass,
    maps: { width: 4, height: 4, cellSize: 8, classes: [2], data: plane, winner: new Int32Array(16).fill(2) },
    transform,
  };
}

describe('folder table', () => {
  const items = [
    { path: 'a.jpg', sample: sample([0, 0], [0, 0, 8, 8], 2) },
    { path: 'b "q".jpg', sample: sample([3, 3], [0, 0, 8, 8], 9) },
  ];

  it('gives each image its IoU at the rule and threshold, and whether the class and the box are right', () => {
    const rows = folderRows(items, 'cam', 0.5);
    expect(rows.map((r) => [r.index, r.correct, r.iou, r.found])).toEqual([
      [0, true, 1, true],
      [1, false, 0, false],
    ]);
    expect(
      figuresAt(
        items.map((i) => i.sample),
        'cam',
        0.5,
      ),
    ).toEqual({ rule: 'cam', threshold: 0.5, top1Loc: 0.5, gtKnownLoc: 0.5 });
  });

  it('writes CSV with quoted cells where needed', () => {
    const rows = folderRows(items, 'cam', 0.5).map((r) => ({ ...r, gtName: 'goldfish', topName: r.topClass === 9 ? 'a, b' : 'goldfish' }));
    expect(rowsCsv(rows).split('\n')).toEqual([
      'index,image,gt_class,gt_name,top1_class,top1_name,correct,iou,found',
      '0,a.jpg,2,goldfish,2,goldfish,true,1.0000,true',
      '1,"b ""q"".jpg",2,goldfish,9,"a, b",false,0.0000,false',
      '',
    ]);
  });
});
