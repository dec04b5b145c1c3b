/* gcmhub pledges: bar charts of the dashboard counts, drawn with ECharts.
 *
 * Plain ES2017, no build step. The page embeds the counts once with Django's json_script:
 *   <script type="application/json" id="pledge-charts">{"by_type": {"title", "labels", "values"}, …}</script>
 *   <div class="pledge-chart" data-chart="by_type" data-label-error="…"></div>
 * Each chart has a table beside it with the same numbers; the charts are decoration for sighted
 * readers (aria-hidden), and when one cannot be drawn its container says so and the table stays.
 */
(function () {
  'use strict';

  const BAR = '#0b4f8a';

  function readJSON(id) {
    const el = document.getElementById(id);
    if (!el) {
      throw new Error('No data element #' + id);
    }
    return JSON.parse(el.textContent);
  }

  function fail(container, error) {
    container.classList.add('chart-failed');
    container.textContent = '';
    const message = document.createElement('p');
    message.className = 'chart-message';
    message.textContent =
      container.getAttribute('data-label-error') ||
      'The chart could not be drawn; the table gives the same data.';
    container.appendChild(message);
    if (error && window.console) {
      window.console.warn('gcmhub pledges chart:', error);
    }
  }

  function keepSized(chart, container) {
    if (typeof window.ResizeObserver === 'function') {
      new window.ResizeObserver(function () {
        chart.resize();
      }).observe(container);
    } else {
      window.addEventListener('resize', function () {
        chart.resize();
      });
    }
  }

  function draw(container, spec) {
    const many = spec.labels.length > 8;
    const rtl = document.documentElement.dir === 'rtl';
    const chart = window.echarts.init(container, null, { renderer: 'svg' });
    const category = {
      type: 'category',
      data: spec.labels,
      inverse: many,
      axisLabel: {
        width: many ? 180 : 90,
        overflow: 'truncate',
        interval: 0,
      },
    };
    const value = { type: 'value', minInterval: 1, inverse: rtl && many };
    chart.setOption({
      animation: false,
      grid: { containLabel: true, left: 8, right: 16, top: 8, bottom: 8 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: many ? value : category,
      yAxis: many ? category : value,
      series: [
        {
          type: 'bar',
          name: spec.title,
          data: spec.values,
          itemStyle: { color: BAR },
          label: { show: true, position: many ? 'right' : 'top' },
        },
      ],
    });
    if (many) {
      container.style.blockSize = Math.max(160, spec.labels.length * 22 + 40) + 'px';
      chart.resize();
    }
    keepSized(chart, container);
  }

  function start() {
    const containers = document.querySelectorAll('[data-chart]');
    if (!containers.length) {
      return;
    }
    let specs;
    try {
      specs = readJSON('pledge-charts');
    } catch (error) {
      containers.forEach(function (c) {
        fail(c, error);
      });
      return;
    }
    containers.forEach(function (container) {
      const spec = specs[container.getAttribute('data-chart')];
      try {
        if (!window.echarts) {
          throw new Error('ECharts is not loaded');
        }
        if (!spec || !spec.values.length) {
          container.hidden = true;
          return;
        }
        draw(container, spec);
      } catch (error) {
        fail(container, error);
      }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
