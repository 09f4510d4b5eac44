/** Shanghai's 16 districts with their national administrative (GB/T 2260) codes. */
export const SHANGHAI_DISTRICTS = [
  { code: '310101', name: '黄浦区' },
  { code: '310104', name: '徐汇区' },
  { code: '310105', name: '长宁区' },
  { code: '310106', name: '静安区' },
  { code: '310107', name: '普陀区' },
  { code: '310109', name: '虹口区' },
  { code: '310110', name: '杨浦区' },
  { code: '310112', name: '闵行区' },
  { code: '310113', name: '宝山区' },
  { code: '310114', name: '嘉定区' },
  { code: '310115', name: '浦东新区' },
  { code: '310116', name: '金山区' },
  { code: '310117', name: '松江区' },
  { code: '310118', name: '青浦区' },
  { code: '310120', name: '奉贤区' },
  { code: '310151', name: '崇明区' },
] as const;

export type DistrictCode = (typeof SHANGHAI_DISTRICTS)[number]['code'];
export interface District {
  code: string;
  name: string;
}

export function districtByCode(code: string): District | null {
  return SHANGHAI_DISTRICTS.find((d) => d.code === code) ?? null;
}

export function districtByName(name: string): District | null {
  return SHANGHAI_DISTRICTS.find((d) => d.name === name) ?? null;
}

/** Finds a district named in free text ("浦东新区张江路…", "黄浦区…"); used when a report has an address but no coordinates. */
export function districtInText(text: string): District | null {
  for (const d of SHANGHAI_DISTRICTS) if (text.includes(d.name)) return d;
  // Residents often drop the suffix: "浦东张江", "闵行莘庄".
  for (const d of SHANGHAI_DISTRICTS) {
    const short = d.name.replace(/新区$|区$/, '');
    if (short.length >= 2 && text.includes(short)) return d;
  }
  return null;
}
