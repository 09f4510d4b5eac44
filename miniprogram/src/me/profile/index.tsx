import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n';
import { usePageMode } from '../../lib/elder';
import { usePageTitle } from '../../lib/pageTitle';
import { requireLogin } from '../../lib/session';
import { ApiError, logout } from '../../services/api';
import { deleteMe, myData, myDataSummary, type MyDataSummary } from '../../services/me';
import { saveJsonFile } from '../../services/download';

/**
 * 我的 → 个人信息: what is held about me, downloadable as JSON, and
 * 删除我的个人信息, confirmed twice (the server also wants the word 删除).
 */
export default function ProfilePage() {
  const t = useT();
  const mode = usePageMode();
  usePageTitle('profile');
  const [data, setData] = useState<MyDataSummary | null>(null);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  // After 删除 the page has nothing left to show: without a way on, the resident sat on a lone banner.
  const [deleted, setDeleted] = useState(false);

  // Loaded when the page shows and also on mount: in the H5 build a hash-only navigation to this page has once
  // left the summary unloaded for 30 s in a browser test (useDidShow apparently not fired); one load at a time,
  // so the mount and the first show do not ask twice (nor send a resident who is not signed in to log in twice).
  const loading = useRef(false);
  const load = () => {
    if (loading.current) return;
    loading.current = true;
    void (async () => {
      try {
        if (!(await requireLogin())) return;
        // Counts only: opening the page is not an export (the full data is fetched, and recorded, on 下载).
        await myDataSummary().then(setData, (err) => setError(err instanceof ApiError ? err.message : t('common.loadFailed')));
      } finally {
        loading.current = false;
      }
    })();
  };
  useDidShow(load);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- on mount only; later shows go through useDidShow
  useEffect(load, []);

  const download = async () => {
    // A failed download says so (it used to fail silently, leaving the resident waiting for a file).
    try {
      const fresh = await myData();
      await saveJsonFile('my-data.json', fresh);
      setDone(t('profile.downloaded'));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.loadFailed'));
    }
  };

  const remove = async () => {
    const first = await Taro.showModal({ title: t('profile.delete'), content: t('profile.confirm1'), confirmText: t('profile.confirmWord'), confirmColor: '#c01c28' });
    if (!first.confirm) return;
    const second = await Taro.showModal({ title: t('profile.delete'), content: t('profile.confirm2'), confirmText: t('profile.confirmWord'), confirmColor: '#c01c28' });
    if (!second.confirm) return;
    try {
      await deleteMe();
      logout();
      setData(null);
      setDeleted(true);
      setDone(t('profile.deleted'));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.actionFailed'));
    }
  };

  return (
    <View className={`page profile ${mode}`}>
      {done && <View className='banner ok' data-testid='profile-done'><Text>{done}</Text></View>}
      {error && <View className='banner error'><Text>{error}</Text></View>}
      {deleted && (
        <Button className='btn secondary' onClick={() => void Taro.switchTab({ url: '/pages/index/index' })} data-testid='profile-home'>
          {t('common.back')}
        </Button>
      )}
      {data && (
        <View className='card' data-testid='profile-summary'>
          <Text className='card-title'>{t('profile.what')}</Text>
          <Text className='detail-line'>{t('profile.reports', { count: data.reports })}</Text>
          <Text className='detail-line'>{t('profile.phones', { count: data.phoneNumbers })}</Text>
          <Text className='detail-line'>{t('profile.photos', { count: data.photos })}</Text>
          <Text className='detail-line'>{t('profile.subscriptions', { count: data.subscriptions })}</Text>
          <View style={{ height: '24px' }} />
          <Button className='btn secondary' onClick={() => void download()} data-testid='profile-download'>{t('profile.download')}</Button>
        </View>
      )}
      {data && (
        <View className='card'>
          <Text className='card-title'>{t('profile.delete')}</Text>
          <Text className='hint'>{t('profile.deleteExplain')}</Text>
          <View style={{ height: '24px' }} />
          <Button className='btn danger' onClick={() => void remove()} data-testid='profile-delete'>{t('profile.delete')}</Button>
        </View>
      )}
    </View>
  );
}
