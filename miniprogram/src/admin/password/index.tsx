import { Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { PASSWORD_MIN_LENGTH } from '@ssp/shared';
import { ApiError, currentSession } from '../../services/api';
import { consoleApi } from '../../services/console';
import { ConsoleLayout } from '../ConsoleLayout';
import { useAdminGuard } from '../useAdmin';

/** Change one's own password; required after an initial or reset password. */
export default function PasswordPage() {
  const ok = useAdminGuard();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const forced = currentSession()?.user.mustChangePassword;

  const submit = async () => {
    setError('');
    if (next !== again) return setError('两次输入的新密码不一致');
    try {
      await consoleApi.changePassword(current, next);
      void Taro.redirectTo({ url: '/admin/index/index' });
    } catch (err) {
      setError(err instanceof ApiError ? `${err.message}${err.details.length ? '：' + err.details.map((d) => d.message).join('；') : ''}` : '修改失败');
    }
  };

  if (!ok) return <View />;
  return (
    <ConsoleLayout active='home' title='修改密码'>
      <View className='panel' style={{ maxWidth: '480PX' }}>
        {forced && <Text className='banner warn' data-testid='must-change'>这是管理员为您设置的初始密码，请先设置自己的密码。</Text>}
        <Text className='hint'>至少 {PASSWORD_MIN_LENGTH} 个字符，不能是常见密码、连续数字或键盘顺序，不能包含用户名；几个不相关的词连起来就很好。</Text>
        <View className='form-row'><Input className='f-input' password value={current} placeholder='当前密码' onInput={(e) => setCurrent(e.detail.value)} data-testid='pw-current' /></View>
        <View className='form-row'><Input className='f-input' password value={next} placeholder='新密码' onInput={(e) => setNext(e.detail.value)} data-testid='pw-next' /></View>
        <View className='form-row'><Input className='f-input' password value={again} placeholder='再次输入新密码' onInput={(e) => setAgain(e.detail.value)} data-testid='pw-again' /></View>
        {error && <Text className='error-text' data-testid='pw-error'>{error}</Text>}
        <View className='c-btn' role='button' onClick={() => void submit()} data-testid='pw-submit'>保存新密码</View>
      </View>
    </ConsoleLayout>
  );
}
