import { z } from 'zod';
import { hotspotSettingsSchema, markAlertsSeenSchema } from '@ssp/shared';
import type { ApiOperation } from '../http/openapi';

/** The OpenAPI operations of insightRoutes.ts (数据看板, roles analyst and admin; see README for the response fields). */
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const query = z.object({
  from: day.optional(),
  to: day.optional(),
  district: z.string().optional().describe('one or more of the 16 district codes, comma-separated'),
  category: z.string().regex(/^[a-z][a-z0-9_]{1,47}$/).optional().describe('a first- or second-level category code'),
  zone: z.string().regex(/^[a-f0-9]{24}$/).optional().describe('a 专区 id: only reports filed through it (概览, 堵点, trends)'),
});
const rates = 'Asia/Shanghai dates, `to` inclusive (default: the last 30 days); a district-scoped account sees only its districts';

export const insightOperations: ApiOperation[] = [
  { method: 'get', path: '/api/v1/admin/insight/overview', summary: `概览: totals, per day/category/district/kind, rates, hours, satisfaction (${rates}); roles analyst, admin`, auth: 'admin', query, ok: { status: 200, description: 'the figures' } },
  { method: 'get', path: '/api/v1/admin/insight/blockers', summary: '堵点: every district × second-level category pair with its four signs and score, worst first', auth: 'admin', query, ok: { status: 200, description: '{ items }' } },
  { method: 'get', path: '/api/v1/admin/insight/blockers/reports', summary: 'The reports of one 堵点 (exactly one district and one category), newest first: the first 200, `total` how many', auth: 'admin', query, ok: { status: 200, description: '{ total, limit, items }' } },
  { method: 'get', path: '/api/v1/admin/insight/hotspots', summary: '热点 found in the period; a second-level `category` filters by its first level (hotspots are per first-level category, `firstLevel` says which)', auth: 'admin', query, ok: { status: 200, description: '{ firstLevel, items }' } },
  { method: 'get', path: '/api/v1/admin/insight/hotspots/:id/reports', summary: 'The reports of one hotspot, newest first (the first 200; `total` counts all): ticket number, category, district, time, status', auth: 'admin', ok: { status: 200, description: '{ hotspot, total, limit, items }' }, errors: { 404: ['NOT_FOUND'] } },
  { method: 'get', path: '/api/v1/admin/insight/trends', summary: 'Categories rising or falling most vs the previous period and a year earlier', auth: 'admin', query, ok: { status: 200, description: '{ items, rising, falling, risingYear, fallingYear }' } },
  { method: 'get', path: '/api/v1/admin/insight/alerts', summary: 'New hotspots this account has not marked seen', auth: 'admin', ok: { status: 200, description: '{ unseen, items }' } },
  { method: 'post', path: '/api/v1/admin/insight/alerts/seen', summary: 'Mark hotspot alerts seen', auth: 'admin', body: markAlertsSeenSchema, ok: { status: 204, description: 'marked' } },
  { method: 'get', path: '/api/v1/admin/insight/settings', summary: 'The hotspot rule', auth: 'admin', ok: { status: 200, schema: hotspotSettingsSchema, description: 'current values' } },
  { method: 'put', path: '/api/v1/admin/insight/settings', summary: 'Change the hotspot rule (role admin only; audited)', auth: 'admin', body: hotspotSettingsSchema, ok: { status: 200, schema: hotspotSettingsSchema, description: 'the new values' } },
  { method: 'get', path: '/api/v1/admin/insight/zones', summary: 'The 专区 reports were filed through (the zone filter\'s choices)', auth: 'admin', ok: { status: 200, description: '{ items: [{ id, title }] }' } },
  { method: 'get', path: '/api/v1/admin/insight/districts.geojson', summary: 'The 16 district boundaries as GeoJSON (the choropleth)', auth: 'admin', ok: { status: 200, description: 'FeatureCollection' } },
];
