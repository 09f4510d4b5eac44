import { Text, View } from '@tarojs/components';
import { Toggle } from './Toggle';
import { currentLanguage, setLanguage, useT } from '../i18n';
import { useElderMode } from '../lib/elder';

/** 长辈模式 and language switches, on the home page and in 我的. Both are remembered on the device. */
export function Settings() {
  const t = useT();
  const [elder, setElder] = useElderMode();
  return (
    <View className='card settings' data-testid='settings'>
      <View className='row'>
        <Text className='field-label' id='elder-label'>{t('home.elderSwitch')}</Text>
        <Toggle checked={elder} label={t('home.elderSwitch')} onChange={setElder} testId='elder-switch' />
      </View>
      <View className='row'>
        <Text className='field-label'>{t('profile.language')}</Text>
        <View
          className='chip active'
          role='button'
          onClick={() => setLanguage(currentLanguage() === 'en' ? 'zh-CN' : 'en')}
          data-testid='language-switch'
        >
          <Text>{t('home.language')}</Text>
        </View>
      </View>
    </View>
  );
}
