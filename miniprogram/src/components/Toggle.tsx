import { Text, View } from '@tarojs/components';

/**
 * An on/off switch with an accessible name and state. Taro's <Switch> on H5
 * renders a bare checkbox its aria-label does not reach (axe-core: critical
 * `label`); this is a button with role="switch" and aria-checked instead.
 */
export function Toggle({ checked, label, onChange, testId }: { checked: boolean; label: string; onChange: (on: boolean) => void; testId?: string }) {
  return (
    <View className={`toggle ${checked ? 'on' : ''}`} role='switch' aria-checked={checked} aria-label={label} onClick={() => onChange(!checked)} data-testid={testId}>
      <Text className='toggle-knob' aria-hidden='true' />
    </View>
  );
}
