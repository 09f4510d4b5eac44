/**
 * First-level category codes. These are stable identifiers used by routing,
 * classification and outside systems; names are what residents see.
 * The full two-level tree lives in the database (admins edit it); this list is
 * the fixed top level that everything else keys on.
 */
export const FIRST_LEVEL_CATEGORIES = [
  { code: 'city_management', name: '城市管理' },
  { code: 'sanitation_greening', name: '市容环卫与绿化' },
  { code: 'environment', name: '生态环境' },
  { code: 'noise', name: '噪声扰民' },
  { code: 'roads_facilities', name: '道路与市政设施' },
  { code: 'traffic', name: '交通出行' },
  { code: 'housing_property', name: '住房与物业' },
  { code: 'utilities', name: '水电燃气与通信' },
  { code: 'market_consumer', name: '市场监管与消费' },
  { code: 'labor_social', name: '劳动与社会保障' },
  { code: 'health', name: '医疗卫生' },
  { code: 'education', name: '教育' },
  { code: 'public_safety', name: '公共安全' },
  { code: 'gov_services', name: '政务服务' },
  { code: 'other', name: '其他（表扬与建议）' },
] as const;

export type FirstLevelCode = (typeof FIRST_LEVEL_CATEGORIES)[number]['code'];

/** Category codes are lowercase slugs and are never reused. */
export const CATEGORY_CODE_PATTERN = /^[a-z][a-z0-9_]{1,47}$/;

export function firstLevelName(code: string): string | null {
  return FIRST_LEVEL_CATEGORIES.find((c) => c.code === code)?.name ?? null;
}
