import Taro from '@tarojs/taro';
import type { HotspotSettings, ListedReport } from '@ssp/shared';
import { call } from './api';

// Declared once in shared (the server answers with them); re-exported so the pages import the 数据看板 API from one place.
export type { HotspotSettings, ListedReport };

/** Fired with the new unseen count when alerts are marked seen (the navigation badge listens). */
export const ALERTS_CHANGED = 'insight:alerts-changed';

/** The 数据看板 API (staff: analyst, admin). Shapes follow the server's contracts (README, 数据看板). */
export interface InsightFilter {
  from: string;
  to: string;
  district?: string;
  category?: string;
  /** a 专区 id: only reports filed through it */
  zone?: string;
}
export interface Named {
  code: string;
  name: string;
}
export interface Overview {
  from: string;
  to: string;
  total: number;
  byDay: { date: string; count: number }[];
  previous: { from: string; to: string; total: number; byDay: { date: string; count: number }[] };
  byCategory: (Named & { count: number })[];
  byFirstLevel: (Named & { count: number })[];
  byDistrict: (Named & { count: number })[];
  byKind: { complaint: number; snap: number };
  urgent: number;
  resolutionRate: number | null;
  overdueRate: number | null;
  reopenRate: number | null;
  satisfaction: { rated: number; satisfied: number; basic: number; unsatisfied: number; ratedShare: number | null };
  hours: Record<'accept' | 'dispatch' | 'resolve', { p50: number | null; p90: number | null }>;
}
export interface Blocker {
  category: Named & { parentCode: string; parentName: string };
  district: Named;
  count: number;
  previous: number;
  change: number | null;
  concentration: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
  score: number;
}
export interface HotspotView {
  id: string;
  category: Named;
  district: Named;
  center: { lat: number; lng: number };
  radiusM: number;
  count: number;
  firstAt: string;
  lastAt: string;
  reportIds: string[];
  createdAt: string;
}
export interface TrendItem {
  category: Named & { parentCode: string; parentName: string };
  count: number;
  previous: number;
  yearAgo: number;
  delta: number;
  /** count − yearAgo */
  yearDelta: number;
  change: number | null;
  yearChange: number | null;
  spark: number[];
}

export interface Trends {
  items: TrendItem[];
  /** ranked by the change against the previous period */
  rising: TrendItem[];
  falling: TrendItem[];
  /** ranked by the change against the same dates a year earlier */
  risingYear: TrendItem[];
  fallingYear: TrendItem[];
}

const qs = (f: InsightFilter) =>
  Object.entries(f)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${encodeURIComponent(v as string)}`)
    .join('&');

export const insight = {
  overview: (f: InsightFilter) => call<Overview>('GET', `/admin/insight/overview?${qs(f)}`),
  blockers: (f: InsightFilter) => call<{ items: Blocker[] }>('GET', `/admin/insight/blockers?${qs(f)}`),
  pairReports: (f: InsightFilter) => call<{ total: number; limit: number; items: (ListedReport & { at: string; resolved: boolean; rating: string | null })[] }>('GET', `/admin/insight/blockers/reports?${qs(f)}`),
  hotspots: (f: InsightFilter) => call<{ firstLevel: string | null; items: HotspotView[] }>('GET', `/admin/insight/hotspots?${qs(f)}`),
  hotspotReports: (id: string) => call<{ hotspot: HotspotView; total: number; limit: number; items: ListedReport[] }>('GET', `/admin/insight/hotspots/${encodeURIComponent(id)}/reports`),
  trends: (f: InsightFilter) => call<Trends>('GET', `/admin/insight/trends?${qs(f)}`),
  settings: () => call<HotspotSettings>('GET', '/admin/insight/settings'),
  updateSettings: (s: HotspotSettings) => call<HotspotSettings>('PUT', '/admin/insight/settings', s),
  alerts: () => call<{ unseen: number; items: HotspotView[] }>('GET', '/admin/insight/alerts'),
  markSeen: async (ids: string[], unseenAfter: number) => {
    await call<void>('POST', '/admin/insight/alerts/seen', { ids });
    Taro.eventCenter.trigger(ALERTS_CHANGED, unseenAfter);
  },
  zones: () => call<{ items: { id: string; title: string }[] }>('GET', '/admin/insight/zones'),
  districtsGeoJson: () => call<unknown>('GET', '/admin/insight/districts.geojson'),
};
