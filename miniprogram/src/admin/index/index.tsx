import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { logout } from '../../services/api';
import { insight } from '../../services/insight';
import { useAdminGuard } from '../useAdmin';
import '../admin.scss';

const ITEMS = [
  { title: '工单处理', desc: '受理、派单、办结答复（本地对接模式）', url: '/admin/tickets/index', testId: 'menu-tickets' },
  { title: '分类管理', desc: '分类树、关键词、办理时限、承办部门', url: '/admin/categories/index', testId: 'menu-categories' },
  { title: '待分拣诉求', desc: '机器不确定或与市民选择不一致的诉求', url: '/admin/triage/index', testId: 'menu-triage' },
  { title: '分类模型', desc: '重新训练、查看指标、试一试', url: '/admin/classifier/index', testId: 'menu-classifier' },
  { title: '数据看板', desc: '概览、堵点、热点、趋势、各区地图', url: '/admin/insight/index', testId: 'menu-insight' },
];

export default function AdminHome() {
  const ok = useAdminGuard();
  // New hotspots nobody here has seen yet: the badge on 数据看板.
  const [unseen, setUnseen] = useState(0);
  useEffect(() => {
    if (ok) void insight.alerts().then((a) => setUnseen(a.unseen), () => setUnseen(0));
  }, [ok]);
  if (!ok) return <View className='page' />;
  return (
    <View className='page admin'>
      {ITEMS.map((item) => (
        <View key={item.url} className='card menu-item' onClick={() => void Taro.navigateTo({ url: item.url })} data-testid={item.testId}>
          <View>
            <Text className='card-title'>
              {item.title}
              {item.url === '/admin/insight/index' && unseen > 0 && (
                <Text className='menu-badge' data-testid='insight-badge'>
                  {unseen}
                </Text>
              )}
            </Text>
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
