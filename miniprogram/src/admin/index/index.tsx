import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { logout } from '../../services/api';
import { useAdminGuard } from '../useAdmin';
import '../admin.scss';

const ITEMS = [
  { title: '工单处理', desc: '受理、派单、办结答复（本地对接模式）', url: '/admin/tickets/index', testId: 'menu-tickets' },
  { title: '分类管理', desc: '分类树、关键词、办理时限、承办部门', url: '/admin/categories/index', testId: 'menu-categories' },
  { title: '待分拣诉求', desc: '机器不确定或与市民选择不一致的诉求', url: '/admin/triage/index', testId: 'menu-triage' },
  { title: '分类模型', desc: '重新训练、查看指标、试一试', url: '/admin/classifier/index', testId: 'menu-classifier' },
];

export default function AdminHome() {
  const ok = useAdminGuard();
  if (!ok) return <View className='page' />;
  return (
    <View className='page admin'>
      {ITEMS.map((item) => (
        <View key={item.url} className='card menu-item' onClick={() => void Taro.navigateTo({ url: item.url })} data-testid={item.testId}>
          <View>
            <Text className='card-title'>{item.title}</Text>
            <Text className='muted'>{item.desc}</Text>
          </View>
          <Text className='muted'>›</Text>
        </View>
      ))}
      <View className='btn secondary' onClick={() => (logout(), void Taro.reLaunch({ url: '/pages/index/index' }))}>
        <Text>退出登录</Text>
      </View>
    </View>
  );
}
