import { useMemo, useState } from 'react';
import { searchClasses } from '../../models/class-search';

/** Finds any of the model's classes by name (or index) and adds it to the shown list. */
export function ClassSearch({
  names,
  onPick,
  onMiss,
}: {
  names: readonly string[];
  onPick: (index: number) => void;
  onMiss: (query: string) => void;
}) {
  const [query, setQuery] = useState('');
  const matches = useMemo(() => searchClasses(names, query, 8), [names, query]);
  const pick = (i: number) => {
    onPick(i);
    setQuery('');
  };
  return (
    <div className="class-search">
      <label>
        Show any class{' '}
        <input
          type="search"
          value={query}
          placeholder={`search ${names.length} classes: tabby, espresso, ski…`}
          data-testid="class-search"
          aria-controls="class-matches"
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter' || !query.trim()) return;
            e.preventDefault();
            if (matches[0]) pick(matches[0].index);
            else onMiss(query.trim());
          }}
        />
      </label>
      {query.trim() !== '' && (
        <ul id="class-matches" className="matches" data-testid="class-matches">
          {matches.length === 0 && <li className="muted">no class matches “{query.trim()}”</li>}
          {matches.map((m) => (
            <li key={m.index}>
              <button type="button" className="link" onClick={() => pick(m.index)} data-testid={`match-${m.index}`}>
                {m.name} <small>#{m.index}</small>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
