export default definePageConfig({ navigationBarTitleText: '诉求检索' });
