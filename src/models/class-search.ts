// Finding a class by what a person types: "tabby", "espresso", "ski", or an index. ImageNet names
// list synonyms ("tabby, tabby cat"), so every synonym is matched, whole words first.

export interface ClassMatch { index: number; name: string }

const synonyms = (name: string) => name.toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);

/**
 * Classes matching `query`, best first: an exact synonym, then a synonym starting with it, then a
 * word starting with it, then any substring. A plain number is a class index.
 */
export function searchClasses(names: readonly string[], query: string, limit = 8): ClassMatch[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  if (/^\d+$/.test(q)) {
    const i = Number(q);
    return i < names.length ? [{ index: i, name: names[i] }] : [];
  }
  const scored: { index: number; score: number }[] = [];
  names.forEach((name, index) => {
    let score = 0;
    for (const s of synonyms(name)) {
      if (s === q) score = Math.max(score, 4);
      else if (s.startsWith(q)) score = Math.max(score, 3);
      else if (s.split(/[\s'-]+/).some((w) => w.startsWith(q))) score = Math.max(score, 2);
      else if (s.includes(q)) score = Math.max(score, 1);
    }
    if (score) scored.push({ index, score });
  });
  return scored.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, limit).map(({ index }) => ({ index, name: names[index] }));
}

/**
 * One class for a name or index given on a command line, or an error that says why not: nothing
 * matches, or several match equally well (they are listed).
 */
export function resolveClass(names: readonly string[], query: string): ClassMatch {
  const q = query.trim();
  if (/^\d+$/.test(q)) {
    const i = Number(q);
    if (i >= names.length) throw new Error(`class index ${i} is out of range (the model has ${names.length} classes, 0-${names.length - 1})`);
    return { index: i, name: names[i] };
  }
  const exact = names.flatMap((name, index) => (synonyms(name).includes(q.toLowerCase()) ? [{ index, name }] : []));
  if (exact.length === 1) return exact[0];
  const found = exact.length ? exact : searchClasses(names, q, 6);
  if (found.length === 0) throw new Error(`no class named "${q}"`);
  if (found.length > 1) throw new Error(`"${q}" matches several classes: ${found.map((m) => `${m.index} (${m.name})`).join('; ')}; give one of these indices`);
  return found[0];
}
