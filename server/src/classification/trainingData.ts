import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SeedFirstLevel } from '../categories/defaultTree';
import type { TaxonomyLeaf, TrainingExample } from './classifier';
import type { Urgency } from './urgency';

export const DATA_DIR = path.join(import.meta.dirname, 'data');
export const SEED_CORPUS = path.join(DATA_DIR, 'seed-corpus.tsv');
export const HELD_OUT = path.join(DATA_DIR, 'heldout.jsonl');
/** the writers' training corpus (provenance: data/README.md); the held-out sets in data/heldout/ are never trained on */
export const CORPUS_DIR = path.join(DATA_DIR, 'corpus');
export const HELD_OUT_DIR = path.join(DATA_DIR, 'heldout');

/** Every data/corpus/*.jsonl line as a training example: second-level `category`, `urgency`, `register`. */
export function loadTrainingCorpus(dir = CORPUS_DIR, only?: string[]): TrainingExample[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl') && (!only || only.includes(f))).sort();
  } catch {
    return [];
  }
  return files.flatMap((f) =>
    readFileSync(path.join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        const row = JSON.parse(l);
        return { text: row.text, label: row.category, urgency: row.urgency, register: row.register };
      }),
  );
}

/** Everything a model is trained on before staff reviews: the corpus, the team's seed sentences, the tree's examples. */
export function baseTrainingExamples(tree: TreeNode[]): TrainingExample[] {
  return [...loadTrainingCorpus(), ...loadSeedCorpus(), ...examplesOf(tree)];
}

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
  /** 'urgent' | 'semi_urgent' | 'normal'; when present it decides the urgency figures */
  urgency?: Urgency;
  /** how the text is written (snap, letter, spoken …), for per-register figures */
  register?: string;
  /** second-level code, when known */
  category?: string;
}

/**
 * Labelled lines for `eval`. A line may give its first-level `label`, or only the second-level `category`
 * a writer's file carries (`parentOf` maps it: a new held-out file can be scored as the writer delivered it).
 */
export function loadJsonl(file: string, parentOf?: Map<string, string>): LabelledText[] {
  // Errors name the line as an editor numbers it (blank lines counted): a scored file must be fixed, not guessed at.
  return readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\n')
    .flatMap((l, i) => {
      if (!l.trim()) return [];
      let row;
      try {
        row = JSON.parse(l);
      } catch {
        throw new Error(`${file}:${i + 1}: not JSON`);
      }
      if (typeof row?.label !== 'string' && typeof row?.category === 'string' && parentOf?.has(row.category)) row.label = parentOf.get(row.category);
      if (typeof row?.text !== 'string' || typeof row.label !== 'string') throw new Error(`${file}:${i + 1}: needs "text" and "label" (or a known "category")`);
      // An unknown level would be scored as 普通 without a word and skew the 紧急/次紧急 figures.
      if (row.urgency !== undefined && !['urgent', 'semi_urgent', 'normal'].includes(row.urgency)) throw new Error(`${file}:${i + 1}: "urgency" must be "urgent", "semi_urgent" or "normal"`);
      return [row as LabelledText];
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
