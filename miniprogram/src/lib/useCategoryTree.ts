import { useEffect, useState } from 'react';
import type { CategoryTreeView } from '@ssp/shared';
import { categoryTree } from '../services/categories';

/** The public category tree (fetched once per app start), for showing category names in the resident's language. */
export function useCategoryTree(): CategoryTreeView | null {
  const [tree, setTree] = useState<CategoryTreeView | null>(null);
  useEffect(() => {
    let live = true;
    categoryTree().then((t) => live && setTree(t), () => {});
    return () => void (live = false);
  }, []);
  return tree;
}
