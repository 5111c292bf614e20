import { describe, expect, it } from 'vitest';
import { resolveClass, searchClasses } from './class-search';

const names = ['tabby, tabby cat', 'tiger cat', 'Egyptian cat', 'espresso', 'espresso maker', 'ski', 'ski mask', 'skunk, polecat, wood pussy', 'Persian cat'];

describe('class search', () => {
  it('finds classes by any synonym, exact and whole-word matches first', () => {
    expect(searchClasses(names, 'tabby')[0].index).toBe(0);
    expect(searchClasses(names, 'espresso').map((m) => m.index)).toEqual([3, 4]);
    expect(searchClasses(names, 'ski').map((m) => m.index)).toEqual([5, 6]);
    expect(searchClasses(names, 'cat').map((m) => m.index)).toEqual([0, 1, 2, 8, 7]);
    expect(searchClasses(names, 'CAT', 2)).toHaveLength(2);
    expect(searchClasses(names, '4')).toEqual([{ index: 4, name: 'espresso maker' }]);
    expect(searchClasses(names, 'zebra')).toEqual([]);
    expect(searchClasses(names, '  ')).toEqual([]);
  });

  it('resolves a command-line class to one index or says why not', () => {
    expect(resolveClass(names, 'tabby cat').index).toBe(0);
    expect(resolveClass(names, 'espresso').index).toBe(3);
    expect(resolveClass(names, '7').index).toBe(7);
    expect(() => resolveClass(names, 'zebra')).toThrow('no class named "zebra"');
    expect(() => resolveClass(names, '99')).toThrow(/out of range/);
    expect(() => resolveClass(names, 'cat')).toThrow(/matches several classes: 0 \(tabby, tabby cat\)/);
  });
});
