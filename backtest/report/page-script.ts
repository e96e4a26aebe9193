// The page's own script (plain browser JavaScript, run after lightweight-charts' standalone build
// defined window.LightweightCharts): reads the embedded ReportChartData and draws the three charts.
// When they are drawn it sets body[data-charts-ready] and body[data-chart-count], for tests and tools;
// body[data-marker-labels] says whether the exits' labels show (only zoomed in: thousands of them
// over a whole test would hide the candles).

/** Candles in view at most for the exit markers to carry their labels (reason and P&L). */
export const LABELLED_CANDLES = 400;

export const PAGE_SCRIPT = String.raw`
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const { createChart, createSeriesMarkers, CandlestickSeries, LineSeries, BaselineSeries } = window.LightweightCharts;
  const { time, open, high, low, close } = data.candles;
  const options = {
    autoSize: true,
    layout: { background: { color: '#ffffff' }, textColor: '#131722' },
    grid: { vertLines: { color: '#f0f3fa' }, horzLines: { color: '#f0f3fa' } },
    // One width for every price scale, so the plot areas line up and scroll in step.
    rightPriceScale: { minimumWidth: 96 },
    // Candles may be thinner than the default half pixel, so the whole test fits at first.
    timeScale: { timeVisible: data.intraday, secondsVisible: false, minBarSpacing: 0.05 },
  };
  const charts = [];
  const chartIn = (id) => {
    const chart = createChart(document.getElementById(id), options);
    charts.push(chart);
    return chart;
  };

  const minMove = 10 ** -data.priceDecimals;
  const candles = chartIn('price-chart').addSeries(CandlestickSeries, {
    priceFormat: { type: 'price', precision: data.priceDecimals, minMove },
  });
  candles.setData(time.map((t, i) => ({ time: t, open: open[i], high: high[i], low: low[i], close: close[i] })));
  const markers = createSeriesMarkers(candles, []);
  const unlabelled = data.markers.map((marker) => ({ ...marker, text: '' }));
  const labelMarkers = (range) => {
    const labelled = range !== null && range.to - range.from <= ${LABELLED_CANDLES};
    if (document.body.dataset.markerLabels === (labelled ? 'shown' : 'hidden')) return;
    markers.setMarkers(labelled ? data.markers : unlabelled);
    document.body.dataset.markerLabels = labelled ? 'shown' : 'hidden';
  };

  const balance = chartIn('equity-chart').addSeries(LineSeries, { color: '#2962ff', lineWidth: 2, lineType: 1 });
  balance.setData(time.map((t, i) => ({ time: t, value: data.balance[i] })));

  // Values are negative: the area between the curve and zero is how far under water the account is.
  const drawdown = chartIn('drawdown-chart').addSeries(BaselineSeries, {
    baseValue: { type: 'price', price: 0 },
    bottomLineColor: '#f23645',
    bottomFillColor1: 'rgba(242, 54, 69, 0.05)',
    bottomFillColor2: 'rgba(242, 54, 69, 0.4)',
    priceFormat: { type: 'custom', minMove: 0.01, formatter: (value) => value.toFixed(2) + '%' },
    // Keep zero, the peak, on the scale.
    autoscaleInfoProvider: (original) => {
      const scale = original();
      if (scale !== null) scale.priceRange.maxValue = Math.max(scale.priceRange.maxValue, 0);
      return scale;
    },
  });
  drawdown.setData(time.map((t, i) => ({ time: t, value: data.drawdownPct[i] })));
  // Nothing lies above zero: no margin there, so the scale does not show a drawdown of +25 %.
  drawdown.priceScale().applyOptions({ scaleMargins: { top: 0.05, bottom: 0.1 } });

  // Every series has one point per candle, so a logical range means the same candles on each chart.
  for (const chart of charts) {
    chart.timeScale().subscribeVisibleLogicalRangeChange((range) => {
      if (range === null) return;
      for (const other of charts) if (other !== chart) other.timeScale().setVisibleLogicalRange(range);
    });
  }
  charts[0].timeScale().subscribeVisibleLogicalRangeChange(labelMarkers);
  charts[0].timeScale().fitContent();
  labelMarkers(charts[0].timeScale().getVisibleLogicalRange());

  document.body.dataset.chartCount = String(charts.length);
  // Charts paint on the next animation frame; the one after it sees them painted.
  requestAnimationFrame(() => requestAnimationFrame(() => (document.body.dataset.chartsReady = 'true')));
})();
`;
