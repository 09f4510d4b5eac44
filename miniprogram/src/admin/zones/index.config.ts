export default definePageConfig({ navigationBarTitleText: '专区管理' });
