// Which boxes one photo gets when a folder is labelled: a taught class when it is present (its own
// decision), an ImageNet class when it is among the top classes; one box by the current rule, or
// one per separate region with the instances switch. Pure (the CLI's label command decides alike).
import { classBox, type RuleOptions } from '../../localize/boxes';
import { instances } from '../../localize/instances';
import type { LabeledObject } from '../../localize/label-writers';
import type { Inference } from '../../models/class-maps';

export function labelObjects(inf: Inference, wanted: ReadonlyMap<number, string>, rule: RuleOptions, perRegion: boolean): LabeledObject[] {
  return [...wanted].flatMap(([c, label]) => {
    const taught = inf.taught.find((t) => t.index === c);
    const top = inf.top.find((p) => p.index === c);
    if (taught ? !taught.present : !top) return [];
    const score = Number((taught ? taught.probability : top!.probability).toFixed(4));
    const boxes = perRegion
      ? instances(inf.maps, c, inf.transform, rule).map((r) => r.box)
      : [classBox(inf.maps, c, inf.transform, rule)].filter((b) => b !== null);
    return boxes.map((box) => ({ label, box, score }));
  });
}
