import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The non-interactive commands must start fast: nothing reachable through *static* imports from
 * the CLI entry or the explain command may be ink or react (the TUI is imported lazily).
 */
const SRC = resolve(__dirname, '../../../src');

function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  // `import … from 'x'` and `export … from 'x'`, but not `import type` and not `await import('x')`
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  return out;
}

function reachable(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) {
        const ts = join(dirname(file), spec.replace(/\.js$/, '.ts'));
        const tsx = ts.replace(/\.ts$/, '.tsx');
        visit(existsSync(ts) ? ts : tsx);
      } else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  };
  visit(entry);
  return { files: [...files], packages: [...packages] };
}

describe('start-up imports', () => {
  it.each(['cli/main.ts', 'cli/explain.ts'])('%s reaches no ink or react through static imports', (entry) => {
    const { files, packages } = reachable(join(SRC, entry));
    expect(files.length).toBeGreaterThan(0);
    expect(packages).not.toContain('ink');
    expect(packages).not.toContain('react');
    expect(files.filter((f) => f.includes('/tui/'))).toEqual([]);
  });

  it('the walker does see packages (so the test can fail)', () => {
    expect(reachable(join(SRC, 'cli/main.ts')).packages).toContain('commander');
  });
});
