import { describe, expect, it } from 'vitest';
import { checkGroundTruth, GroundTruthError, parseBoxArg, parseGroundTruth } from './ground-truth';

const VOC = `<annotation>
  <folder>val</folder><filename>ILSVRC2012_val_00000001</filename>
  <size><width>500</width><height>375</height><depth>3</depth></size>
  <!-- a comment with <object> in it -->
  <object><name>n01751748</name><bndbox><xmin>111</xmin><ymin>108</ymin><xmax>441</xmax><ymax>193</ymax></bndbox></object>
  <object><name>n01751748</name><pose>Unspecified</pose><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>30</xmax><ymax>40</ymax></bndbox></object>
</annotation>`;

describe('ground truth', () => {
  it('reads ImageNet VOC XML with its size and every object', () => {
    const gt = parseGroundTruth(VOC, 'a.xml');
    expect(gt.size).toEqual({ width: 500, height: 375 });
    expect(gt.boxes).toEqual([
      [111, 108, 441, 193],
      [1, 2, 30, 40],
    ]);
  });

  it('reads the JSON form and a typed box', () => {
    expect(parseGroundTruth('{"boxes": [[1, 2, 3, 4]]}', 'b.json')).toEqual({ boxes: [[1, 2, 3, 4]], size: null });
    expect(parseBoxArg('10,20,30,40')).toEqual([10, 20, 30, 40]);
  });

  it('names what is wrong with malformed input', () => {
    const bad: [string, RegExp][] = [
      ['hello', /neither Pascal VOC XML nor JSON/],
      ['<html></html>', /no <annotation> element/],
      ['<annotation><object><name>x</name></object></annotation>', /<object> 1 has no <bndbox>/],
      ['<annotation><object><bndbox><xmin>a</xmin><ymin>1</ymin><xmax>2</xmax><ymax>3</ymax></bndbox></object></annotation>', /x0 is not a number/],
      ['<annotation><size><width>5</width></size><object></object></annotation>', /<size><height> is not a number/],
      ['<annotation></annotation>', /no <object>/],
      ['{"boxes": [[1, 2, 3]]}', /needs 4 numbers/],
      ['{"boxes": [[5, 2, 3, 4]]}', /is empty/],
      ['{"boxes": "no"}', /expected \{"boxes"/],
      ['{"boxes": []}', /empty/],
      ['{"boxes": [[1, 2, 3, 4]', /not valid JSON/],
    ];
    for (const [text, msg] of bad) {
      expect(() => parseGroundTruth(text, 'f')).toThrow(GroundTruthError);
      expect(() => parseGroundTruth(text, 'f')).toThrow(msg);
    }
    expect(() => parseBoxArg('1,2,x,4')).toThrow(/x1 is not a number/);
  });

  it('refuses a VOC file made for another image size and a box outside the photo', () => {
    const gt = parseGroundTruth(VOC, 'a.xml');
    expect(() => checkGroundTruth(gt, 451, 300, 'a.xml')).toThrow('a.xml: the annotation is for a 500x375 image, this photo is 451x300');
    expect(checkGroundTruth(gt, 500, 375, 'a.xml')).toHaveLength(2);
    expect(() => checkGroundTruth({ boxes: [[0, 0, 600, 10]], size: null }, 500, 375, 'b')).toThrow(
      /box 1 \[0, 0, 600, 10\] lies outside the 500x375 photo/,
    );
  });
});
