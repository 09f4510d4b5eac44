import { Text } from '@tarojs/components';
import { STATUS_LABELS, STATUS_LABELS_EN, type ReportStatus } from '@ssp/shared';
import { currentLanguage, useT } from '../i18n';

export function StatusTag({ status }: { status: ReportStatus }) {
  useT(); // re-render when the language changes
  return <Text className={`tag ${status}`}>{currentLanguage() === 'en' ? STATUS_LABELS_EN[status] : STATUS_LABELS[status]}</Text>;
}
