export default definePageConfig({ navigationBarTitleText: '待分拣诉求', enablePullDownRefresh: true });
