export default definePageConfig({ navigationBarTitleText: '账号与权限' });
