/** Shanghai's 16 districts with their national administrative (GB/T 2260) codes. */
export const SHANGHAI_DISTRICTS = [
  { code: '310101', name: '黄浦区', nameEn: "Huangpu District" },
  { code: '310104', name: '徐汇区', nameEn: "Xuhui District" },
  { code: '310105', name: '长宁区', nameEn: "Changning District" },
  { code: '310106', name: '静安区', nameEn: "Jing'an District" },
  { code: '310107', name: '普陀区', nameEn: "Putuo District" },
  { code: '310109', name: '虹口区', nameEn: "Hongkou District" },
  { code: '310110', name: '杨浦区', nameEn: "Yangpu District" },
  { code: '310112', name: '闵行区', nameEn: "Minhang District" },
  { code: '310113', name: '宝山区', nameEn: "Baoshan District" },
  { code: '310114', name: '嘉定区', nameEn: "Jiading District" },
  { code: '310115', name: '浦东新区', nameEn: "Pudong New Area" },
  { code: '310116', name: '金山区', nameEn: "Jinshan District" },
  { code: '310117', name: '松江区', nameEn: "Songjiang District" },
  { code: '310118', name: '青浦区', nameEn: "Qingpu District" },
  { code: '310120', name: '奉贤区', nameEn: "Fengxian District" },
  { code: '310151', name: '崇明区', nameEn: "Chongming District" },
] as const;

export type DistrictCode = (typeof SHANGHAI_DISTRICTS)[number]['code'];
export interface District {
  code: string;
  name: string;
}

export function districtByCode(code: string): District | null {
  return SHANGHAI_DISTRICTS.find((d) => d.code === code) ?? null;
}

/** A district's English name (for residents reading English), or the name as given when it is not one of ours. */
export function districtNameEn(name: string): string {
  return SHANGHAI_DISTRICTS.find((d) => d.name === name)?.nameEn ?? name;
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
