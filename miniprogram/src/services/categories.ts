import Taro from '@tarojs/taro';
import type { CategoryNodeView, CategoryTreeView } from '@ssp/shared';
import { API_BASE } from './api';

let cached: Promise<CategoryTreeView> | null = null;

/** The public category tree (names, English names, questions), fetched once per app start. */
export function categoryTree(): Promise<CategoryTreeView> {
  if (!cached) {
    cached = Taro.request<CategoryTreeView>({ url: `${API_BASE}/categories`, method: 'GET', timeout: 10_000 }).then((res) => {
      if (res.statusCode !== 200) throw new Error(`categories: HTTP ${res.statusCode}`);
      return res.data;
    });
    cached.catch(() => (cached = null));
  }
  return cached;
}

/** A second-level category with its parent, by code. */
export function findLeaf(tree: CategoryTreeView | null, code: string | undefined): (CategoryNodeView & { parent: CategoryNodeView }) | null {
  if (!tree || !code) return null;
  for (const f of tree.categories) for (const c of f.children ?? []) if (c.code === code) return { ...c, parent: f };
  return null;
}
