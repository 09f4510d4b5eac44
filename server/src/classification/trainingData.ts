import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SeedFirstLevel } from '../categories/defaultTree';
import type { TaxonomyLeaf, TrainingExample } from './classifier';

export const DATA_DIR = path.join(import.meta.dirname, 'data');
export const SEED_CORPUS = path.join(DATA_DIR, 'seed-corpus.tsv');
export const HELD_OUT = path.join(DATA_DIR, 'heldout.jsonl');

/** `<leaf code>\t<text>` lines; `#` starts a comment. */
export function loadSeedCorpus(file = SEED_CORPUS): TrainingExample[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const tab = l.indexOf('\t');
      return { label: l.slice(0, tab).trim(), text: l.slice(tab + 1).trim() };
    });
}

export interface LabelledText {
  text: string;
  /** first-level code */
  label: string;
  urgent?: boolean;
}

export function loadJsonl(file: string): LabelledText[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const row = JSON.parse(l);
      if (typeof row.text !== 'string' || typeof row.label !== 'string') throw new Error(`${file}:${i + 1}: needs "text" and "label"`);
      return row as LabelledText;
    });
}

/** The shape both the seed tree and stored categories reduce to. */
export interface TreeNode {
  code: string;
  name: string;
  keywords: string[];
  negativeKeywords?: string[];
  examples?: string[];
  enabled?: boolean;
  children: Omit<TreeNode, 'children'>[];
}

export function leavesOf(tree: TreeNode[]): TaxonomyLeaf[] {
  return tree
    .filter((f) => f.enabled !== false)
    .flatMap((f) =>
      f.children
        .filter((c) => c.enabled !== false)
        .map((c) => ({
          code: c.code,
          name: c.name,
          parentCode: f.code,
          parentName: f.name,
          keywords: c.keywords,
          negativeKeywords: c.negativeKeywords ?? [],
          parentKeywords: f.keywords,
        })),
    );
}

export function examplesOf(tree: TreeNode[]): TrainingExample[] {
  return tree.flatMap((f) => f.children.flatMap((c) => (c.examples ?? []).map((text) => ({ text, label: c.code }))));
}

export function seedTreeAsNodes(tree: SeedFirstLevel[]): TreeNode[] {
  return tree.map((f) => ({ ...f, children: f.children }));
}
