import { Text } from '@tarojs/components';
import { STATUS_LABELS, type ReportStatus } from '@ssp/shared';

export function StatusTag({ status }: { status: ReportStatus }) {
  return <Text className={`tag ${status}`}>{STATUS_LABELS[status]}</Text>;
}
