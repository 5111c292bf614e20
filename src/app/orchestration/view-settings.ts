// How the analysis is drawn (opacity, box rule and threshold, colour scale, grid) and which
// classes are listed: changes of the view alone, which never run the network.
import type { ColorScale } from '../../draw/composite';
import type { BoxRule } from '../../localize/boxes';
import type { Page } from './page';

export class ViewSettings {
  constructor(private readonly page: Page) {}

  setOpacity(value: number): void {
    this.page.dispatch({ type: 'opacity', value });
  }
  setRule(rule: BoxRule): void {
    this.page.dispatch({ type: 'rule', rule });
  }
  /** The current rule's threshold. */
  setThreshold(value: number): void {
    this.page.dispatch({ type: 'threshold', value });
  }
  setScale(scale: ColorScale): void {
    this.page.dispatch({ type: 'scale', scale });
  }
  setRawGrid(on: boolean): void {
    this.page.dispatch({ type: 'rawGrid', on });
  }
  /** One box per separate region above the threshold, with the count, instead of one around them all. */
  setInstances(on: boolean): void {
    this.page.dispatch({ type: 'instances', on });
  }
  /** Stops drawing a class; it stays listed. */
  hideClass(index: number): void {
    this.page.dispatch({ type: 'hideClass', index });
  }
  /** Takes a class added from the search box off the list. */
  removeClass(index: number): void {
    this.page.dispatch({ type: 'removeClass', index });
  }
  dismissNotice(id: number): void {
    this.page.dispatch({ type: 'dismiss', id });
  }
}
