/* gcmhub statistics: line charts of series over time, drawn with ECharts.
 *
 * Plain ES2017, no build step, no network. A page embeds each chart's data with json_script:
 *   <script type="application/json" id="chart-x">{"title": "…", "x": ["1990", …],
 *     "series": [{"name": "…", "values": [1, null, …]}]}</script>
 *   <div class="stat-chart" data-chart-source="chart-x" data-label-error="…"></div>
 * Every chart has a table beside it with the same numbers: the chart is hidden from assistive
 * technology, and when it cannot be drawn its container says so and the table remains.
 */
(function () {
  'use strict';

  const PALETTE = ['#0b4f8a', '#c2410c', '#1d6b35', '#6b21a8', '#8a4b00', '#0f766e'];

  function fail(container, error) {
    container.classList.add('chart-failed');
    container.textContent = '';
    const message = document.createElement('p');
    message.className = 'chart-message';
    message.textContent =
      container.getAttribute('data-label-error') ||
      'The chart could not be drawn; the table gives the same numbers.';
    container.appendChild(message);
    if (error && window.console) {
      window.console.warn('gcmhub statistics chart:', error);
    }
  }

  function draw(container) {
    if (!window.echarts) {
      fail(container, 'ECharts is missing');
      return;
    }
    let data;
    try {
      const source = document.getElementById(container.getAttribute('data-chart-source'));
      data = JSON.parse(source.textContent);
    } catch (error) {
      fail(container, error);
      return;
    }
    const chart = window.echarts.init(container, null, { renderer: 'canvas' });
    chart.setOption({
      aria: { enabled: false },
      animation: false,
      color: PALETTE,
      tooltip: { trigger: 'axis' },
      legend: { show: data.series.length > 1, bottom: 0, type: 'scroll' },
      grid: { left: 8, right: 16, top: 16, bottom: data.series.length > 1 ? 40 : 16, containLabel: true },
      xAxis: { type: 'category', data: data.x, boundaryGap: false },
      yAxis: { type: 'value', scale: false },
      series: data.series.map(function (s) {
        return { name: s.name, type: 'line', data: s.values, connectNulls: false, symbolSize: 6 };
      }),
    });
    if (typeof window.ResizeObserver === 'function') {
      new window.ResizeObserver(function () {
        chart.resize();
      }).observe(container);
    }
  }

  function start() {
    document.querySelectorAll('.stat-chart[data-chart-source]').forEach(draw);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
