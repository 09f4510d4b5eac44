import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { uuid } from '../../lib/uuid';
import { adminLogin, ApiError, localExperienceLogin } from '../../services/api';
import './login.scss';
import { useT } from '../../i18n';
import { usePageMode } from '../../lib/elder';
import { usePageTitle } from '../../lib/pageTitle';

const TAB_PAGES = ['/pages/index/index', '/pages/tickets/index'];

function goBack(back: string | undefined, role: 'citizen' | 'admin') {
  const wanted = back ? decodeURIComponent(back) : '';
  // Staff land in the console unless they were on their way to an admin page.
  const target = role === 'admin' ? (wanted.includes('admin/') ? wanted : '/admin/index/index') : wanted || '/pages/index/index';
  const url = target.startsWith('/') ? target : `/${target}`;
  if (TAB_PAGES.some((p) => url.startsWith(p))) void Taro.switchTab({ url: url.split('?')[0] });
  else void Taro.redirectTo({ url });
}

/**
 * Web channel login. In the mini-program residents are logged in silently
 * with WeChat and never see this page. On the web, 本地体验登录 uses the
 * server's WeChat stand-in (development deployments only); staff sign in
 * with their account.
 */
export default function LoginPage() {
  const t = useT();
  const mode = usePageMode();
  usePageTitle('login');
  const { params } = useRouter();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<{ user: { role: 'citizen' | 'admin' } }>) => {
    setBusy(true);
    setError('');
    try {
      const session = await action();
      goBack(params.back, session.user.role);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('login.failed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className={`page login ${mode}`}>
      <View className='card'>
        <Text className='card-title'>{t('login.citizen')}</Text>
        <View className='banner info'>
          <Text>{t('login.localNote')}</Text>
        </View>
        <Button className={`btn ${busy ? 'disabled' : ''}`} disabled={busy} onClick={() => void run(() => localExperienceLogin(`h5-${uuid()}`))} data-testid='local-login'>
          {t('login.local')}
        </Button>
      </View>

      <View className='card'>
        <Text className='card-title'>{t('login.staff')}</Text>
        <View className='field'>
          <Input className='input' value={username} placeholder={t('login.username')} aria-label={t('login.username')} onInput={(e) => setUsername(e.detail.value)} data-testid='admin-username' />
        </View>
        <View className='field'>
          <Input className='input' value={password} password placeholder={t('login.password')} aria-label={t('login.password')} onInput={(e) => setPassword(e.detail.value)} data-testid='admin-password' />
        </View>
        <Button className={`btn secondary ${busy || !username || !password ? 'disabled' : ''}`} disabled={busy || !username || !password} onClick={() => void run(() => adminLogin(username, password))} data-testid='admin-login'>
          {t('login.login')}
        </Button>
      </View>
      {error && (
        <View className='banner error'>
          <Text>{error}</Text>
        </View>
      )}
    </View>
  );
}
