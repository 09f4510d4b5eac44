import { Image, Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { useCallback, useState } from 'react';
import type { ReportView } from '@ssp/shared';
import { StatusTag } from '../../components/StatusTag';
import { Timeline } from '../../components/Timeline';
import { formatTime } from '../../lib/format';
import { requireLogin } from '../../lib/session';
import { ApiError } from '../../services/api';
import { absoluteUrl } from '../../services/media';
import { getReport } from '../../services/reports';
import { takePendingSupplement } from '../../services/drafts';
import { Actions } from './Actions';
import { PrivacyNotice } from '../../components/PrivacyNotice';
import './detail.scss';
import { answerLabel, categoryName, districtName, localName, useT } from '../../i18n';
import { usePageTitle } from '../../lib/pageTitle';
import { useCategoryTree } from '../../lib/useCategoryTree';
import { usePageMode } from '../../lib/elder';

export default function ReportDetail() {
  const t = useT();
  const mode = usePageMode();
  usePageTitle('detail');
  const tree = useCategoryTree();
  const { params } = useRouter();
  const [report, setReport] = useState<ReportView | null>(null);
  const [error, setError] = useState('');
  // Opened after an edited resubmit of a draft that had been filed already (useReportDraft): the edit waits here.
  const [pending] = useState(() => (params.filed ? takePendingSupplement(params.id ?? '') : null));

  const load = useCallback(async () => {
    try {
      if (!(await requireLogin())) return;
      setReport(await getReport(params.id ?? ''));
      setError('');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.loadFailed'));
    } finally {
      Taro.stopPullDownRefresh();
    }
  }, [params.id, t]);

  useDidShow(() => void load());
  usePullDownRefresh(() => void load());

  if (error) return <View className={`page ${mode}`}><View className='banner error' onClick={() => void load()}><Text>{error}</Text></View></View>;
  if (!report) return <View className={`page ${mode}`}><Text className='hint'>{t('common.loading')}</Text></View>;

  const urls = report.media.map((m) => absoluteUrl(m.url));
  const loc = report.location;
  return (
    <View className={`page detail ${mode}`}>
      <PrivacyNotice refusedBanner={false} />
      {report.viewer === 'follower' && (
        <View className='banner info' data-testid='follower-banner'>
          <Text>{params.joined ? t('detail.joined') : ''}{t('detail.followerNote')}</Text>
        </View>
      )}
      {params.filed && (
        <View className='banner info' data-testid='already-filed'>
          <Text>
            {t('detail.alreadyFiled', { ticketNo: report.ticketNo })}
            {pending?.text.trim() && report.allowedActions.supplement ? t('detail.editKept') : ''}
          </Text>
        </View>
      )}
      {report.mergedInto && (
        <View className='banner info' onClick={() => void Taro.navigateTo({ url: `/tickets/detail/index?id=${report.mergedInto!.id}` })} data-testid='merged-banner'>
          <Text>{t('detail.merged', { ticketNo: report.mergedInto.ticketNo })}</Text>
        </View>
      )}
      <View className='card'>
        <View className='row'>
          <Text className='detail-ticket' data-testid='detail-ticket'>{report.ticketNo}</Text>
          <StatusTag status={report.status} />
        </View>
        <Text className='muted'>{t('detail.filedAt', { kind: report.kind === 'snap' ? t('common.kindSnap') : t('common.kindComplaint'), time: formatTime(report.createdAt) })}</Text>
        {report.supporters > 0 && (
          <Text className='muted detail-line' data-testid='supporters'>
            {t('detail.supporters', { count: report.supporters })}
          </Text>
        )}
      </View>

      <View className='card'>
        <Text className='card-title'>{t('detail.description')}</Text>
        <Text className='detail-desc' data-testid='detail-description'>{report.description || (report.viewer === 'follower' ? t('detail.followerHidden') : t('detail.noText'))}</Text>
        {report.media.length > 0 && (
          <View className='detail-photos'>
            {report.media.map((m, i) => (
              <Image key={m.id} className='detail-photo' src={absoluteUrl(m.previewUrl)} mode='aspectFill' aria-hidden='true' onClick={() => Taro.previewImage({ urls, current: urls[i] })} />
            ))}
          </View>
        )}
      </View>

      <View className='card'>
        <Text className='card-title'>{t('detail.place')}</Text>
        <Text className='detail-address'>{loc.address || (loc.lat != null ? t('location.coords', { lat: loc.lat.toFixed(5), lon: loc.lng!.toFixed(5) }) : t('detail.notGiven'))}</Text>
        <View style={{ marginTop: '8px' }}>
          {report.district ? (
            <Text className='tag' data-testid='detail-district'>{districtName(report.district)}</Text>
          ) : (
            <Text className='tag warn-tag'>{t('detail.manual')}</Text>
          )}
        </View>
        {report.citizenCategory && <Text className='muted'>{t('detail.yourCategory', { name: categoryName(tree, report.citizenCategory) })}</Text>}
        {report.contactPhone && <Text className='muted detail-line'>{t('detail.phone', { phone: report.contactPhone })}</Text>}
        {report.anonymous && <Text className='muted detail-line'>{t('detail.anonymous')}</Text>}
        {report.zone && <Text className='muted detail-line' data-testid='detail-zone'>{t('detail.zone', { title: localName(report.zone) })}</Text>}
      </View>

      {(report.department || report.dueAt) && (
        <View className='card'>
          <Text className='card-title'>{t('detail.handling')}</Text>
          {report.department && <Text className='muted detail-line'>{t('detail.department', { name: report.department })}</Text>}
          {report.dueAt && <Text className='muted detail-line'>{t('detail.due', { time: formatTime(report.dueAt) })}</Text>}
          {report.rating && <Text className='muted detail-line'>{t('detail.myRating', { rating: t(`detail.ratings.${report.rating.value}`) })}</Text>}
        </View>
      )}

      {report.questions?.length > 0 && Object.keys(report.answers ?? {}).length > 0 && (
        <View className='card' data-testid='detail-answers'>
          <Text className='card-title'>{t('detail.answers')}</Text>
          {report.questions.filter((q) => report.answers[q.code] !== undefined).map((q) => (
            <Text key={q.code} className='muted detail-line'>{t('detail.answerLine', { question: localName(q), answer: answerLabel(q, report.answers[q.code]) })}</Text>
          ))}
        </View>
      )}

      <Actions report={report} onChange={setReport} initialSupplement={pending?.text.trim() || undefined} />

      {/* Focusable and named: in the H5 build the page scrolls inside Taro's page element, and axe wants keyboard
          access to a scrolling region (scrollable-region-focusable) when nothing else in it takes focus. */}
      <View className='card' data-testid='timeline' {...({ tabIndex: 0, role: 'region', 'aria-label': t('detail.progress') } as object)}>
        <Text className='card-title'>{t('detail.progress')}</Text>
        <Timeline entries={report.timeline} />
      </View>
    </View>
  );
}
