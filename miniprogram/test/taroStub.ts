/**
 * The slice of @tarojs/taro the app's services use, for unit tests: storage in
 * a Map, and request/uploadFile answered by handlers a test installs.
 */
type RequestOptions = { url: string; method?: string; data?: unknown; header?: Record<string, string> };
type Answer = { statusCode: number; data: unknown };

export const storage = new Map<string, unknown>();
export const calls: RequestOptions[] = [];
/** navigation bar titles set, in order */
export const titles: string[] = [];
/** the tab bar's texts by index */
export const tabBar: string[] = [];
let requestHandler: (o: RequestOptions) => Answer | Promise<Answer> = () => ({ statusCode: 404, data: {} });
let uploadHandler: (o: { url: string; filePath: string; header?: Record<string, string> }) => { statusCode: number; data: string } | 'fail' = () => 'fail';

export function onRequest(fn: typeof requestHandler): void {
  requestHandler = fn;
}
export function onUpload(fn: typeof uploadHandler): void {
  uploadHandler = fn;
}
export function reset(): void {
  storage.clear();
  calls.length = 0;
  titles.length = 0;
  tabBar.length = 0;
}

const Taro = {
  getStorageSync: (key: string) => (storage.has(key) ? structuredClone(storage.get(key)) : ''),
  setStorageSync: (key: string, value: unknown) => void storage.set(key, structuredClone(value)),
  removeStorageSync: (key: string) => void storage.delete(key),
  getSystemInfoSync: () => ({ language: 'zh_CN' }),
  async request(o: RequestOptions) {
    calls.push(o);
    return requestHandler(o);
  },
  uploadFile(o: { url: string; filePath: string; header?: Record<string, string>; success: (r: { statusCode: number; data: string }) => void; fail: () => void }) {
    const answer = uploadHandler(o);
    queueMicrotask(() => (answer === 'fail' ? o.fail() : o.success(answer)));
    return { progress: () => {} };
  },
  async login() {
    return { code: 'test-code' };
  },
  getCurrentInstance: () => ({ router: { path: '/pages/index/index' } }),
  redirectTo: async () => {},
  async setNavigationBarTitle(o: { title: string }) {
    titles.push(o.title);
  },
  async chooseImage() {
    return { tempFilePaths: ['a.jpg'] };
  },
  async setTabBarItem(o: { index: number; text: string }) {
    tabBar[o.index] = o.text;
  },
};

export default Taro;
