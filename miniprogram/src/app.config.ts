export default defineAppConfig({
  pages: ['pages/index/index', 'pages/tickets/index'],
  subPackages: [
    { root: 'report', pages: ['complaint/index', 'snap/index', 'success/index'] },
    { root: 'tickets', pages: ['detail/index', 'messages/index'] },
    { root: 'auth', pages: ['login/index'] },
    { root: 'me', pages: ['profile/index'] },
    { root: 'admin', pages: ['index/index', 'search/index', 'report/index', 'tickets/index', 'categories/index', 'triage/index', 'classifier/index', 'staff/index', 'audit/index', 'password/index', 'insight/index', 'zones/index'] },
  ],
  window: {
    backgroundTextStyle: 'dark',
    navigationBarBackgroundColor: '#1a5fb4',
    navigationBarTitleText: '随申拍',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f4f6f9',
  },
  tabBar: {
    color: '#5c6470',
    selectedColor: '#1a5fb4',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      { pagePath: 'pages/index/index', text: '首页', iconPath: 'assets/tab/home.png', selectedIconPath: 'assets/tab/home-active.png' },
      { pagePath: 'pages/tickets/index', text: '我的诉求', iconPath: 'assets/tab/list.png', selectedIconPath: 'assets/tab/list-active.png' },
    ],
  },
  requiredPrivateInfos: ['getLocation', 'chooseLocation'],
  permission: {
    'scope.userLocation': { desc: '用于自动填写问题发生的位置，帮助相关部门尽快找到现场' },
  },
  lazyCodeLoading: 'requiredComponents',
  // WeChat's privacy authorisation (onNeedPrivacyAuthorization / requirePrivacyAuthorize) on base libraries before 3.0.
  __usePrivacyCheck__: true,
});
