import { View } from '@tarojs/components';
import { useEffect, useMemo } from 'react';

/**
 * One ECharts chart (H5 only). `option` is a plain ECharts option; `geoJson`
 * registers the district map before the first draw. In the weapp build this
 * renders nothing and the panels show their tables.
 */
export function Chart({ option, height, testId, geoJson }: { option: Record<string, unknown>; height: number; testId?: string; geoJson?: unknown }) {
  const id = useMemo(() => `chart-${Math.random().toString(36).slice(2)}`, []);
  useEffect(() => {
    let disposed = false;
    type ChartLike = { setOption: (o: unknown, notMerge: boolean) => void; dispose: () => void; resize: () => void };
    let chart: ChartLike | null = null;
    const onResize = () => chart?.resize();
    // A constant condition after the build's define step: in the weapp build webpack drops this branch,
    // import() included, so ECharts is not bundled into the mini-program at all.
    if (process.env.TARO_ENV === 'h5') {
      void import('./charts').then(({ default: echarts }) => {
        const el = document.getElementById(id);
        if (disposed || !el) return;
        if (geoJson && !echarts.getMap('shanghai')) echarts.registerMap('shanghai', geoJson as never);
        const c = (echarts.getInstanceByDom(el) ?? echarts.init(el)) as unknown as ChartLike;
        chart = c;
        c.setOption(option, true);
        window.addEventListener('resize', onResize);
      });
    }
    return () => {
      disposed = true;
      if (process.env.TARO_ENV === 'h5') window.removeEventListener('resize', onResize);
      chart?.dispose();
    };
  }, [id, option, geoJson]);
  if (process.env.TARO_ENV !== 'h5') return null;
  return <View id={id} style={{ height: `${height}px`, width: '100%' }} data-testid={testId} />;
}
