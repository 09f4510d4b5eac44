export default definePageConfig({ navigationBarTitleText: '随申拍 · 12345' });
