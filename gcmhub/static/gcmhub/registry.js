/* gcmhub registry: world maps and the overlap network, drawn with ECharts.
 *
 * Plain ES2017, no build step, no network beyond this site. Every chart has a table beside it
 * with the same data, so when a chart cannot be drawn (no ECharts, a failed fetch) the container
 * shows a short message and the tables remain the accessible version.
 *
 * Maps:    <script type="application/json" id="map-data">…</script>
 *          <div class="map" data-map-source="map-data" data-mode="roles|counts"
 *               data-topojson="/static/vendor/countries-50m.json"
 *               data-areas-url="/api/v1/registry/countries"     (mode "roles": ISO3 → M49)
 *               data-country-url="/en/registry/countries/ZZZ/"  (ZZZ is replaced by the ISO3 code)
 *               data-label-*="translated words">
 * Network: <div class="network" data-network-source="network-data" data-label-*="…">
 */
(function () {
  'use strict';

  const COLOURS = {
    member: '#0b4f8a',
    observer: '#e08a00',
    empty: '#e3e8ed',
    border: '#ffffff',
    hover: '#ffbf47',
    countLow: '#cfe0f1',
    countHigh: '#0b3a66',
  };
  const TYPE_COLOURS = { rcp: '#0b4f8a', irf: '#1d6b35', global: '#8a4b00' };
  const TYPES = ['rcp', 'irf', 'global'];
  const ANTARCTICA = '010';

  function readJSON(id) {
    const el = id && document.getElementById(id);
    if (!el) {
      throw new Error('No data element #' + id);
    }
    return JSON.parse(el.textContent);
  }

  function escapeHTML(text) {
    return String(text == null ? '' : text)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;');
  }

  function label(container, key, fallback) {
    return container.getAttribute('data-label-' + key) || fallback;
  }

  function fail(container, error) {
    container.classList.add('chart-failed');
    container.removeAttribute('role');
    container.removeAttribute('aria-label');
    container.textContent = '';
    const message = document.createElement('p');
    message.className = 'chart-message';
    message.textContent = label(container, 'error', 'The chart could not be drawn; the table gives the same data.');
    container.appendChild(message);
    if (error && window.console) {
      window.console.warn('gcmhub registry chart:', error);
    }
  }

  function countryUrl(container, iso3) {
    const template = container.getAttribute('data-country-url');
    if (template && template.indexOf('ZZZ') !== -1) {
      return template.replace('ZZZ', encodeURIComponent(iso3));
    }
    const lang = (document.documentElement.lang || 'en').toLowerCase();
    return '/' + encodeURIComponent(lang) + '/registry/countries/' + encodeURIComponent(iso3) + '/';
  }

  function fetchJSON(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(
      function (response) {
        if (!response.ok) {
          throw new Error(url + ': HTTP ' + response.status);
        }
        return response.json();
      }
    );
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

  // --- maps ----------------------------------------------------------------------------------

  // The world outline is registered once per page, whatever the number of maps.
  let worldLoading = null;
  const atlasNames = {};

  // world-atlas rings that cross the antimeridian jump from +180 to -180 (d3 cuts them when it
  // projects; ECharts draws longitude as is, which would streak a line across the map). Make each
  // ring continuous instead: Chukotka or Fiji then reach a little past 180°.
  function unwrapRing(ring) {
    for (let i = 1; i < ring.length; i += 1) {
      const step = ring[i][0] - ring[i - 1][0];
      if (step > 180) {
        ring[i] = [ring[i][0] - 360, ring[i][1]];
      } else if (step < -180) {
        ring[i] = [ring[i][0] + 360, ring[i][1]];
      }
    }
    let west = Infinity;
    ring.forEach(function (point) {
      west = Math.min(west, point[0]);
    });
    if (west < -180) {
      ring.forEach(function (point, i) {
        ring[i] = [point[0] + 360, point[1]];
      });
    }
  }

  function unwrapGeometry(geometry) {
    if (!geometry) {
      return;
    }
    if (geometry.type === 'Polygon') {
      geometry.coordinates.forEach(unwrapRing);
    } else if (geometry.type === 'MultiPolygon') {
      geometry.coordinates.forEach(function (polygon) {
        polygon.forEach(unwrapRing);
      });
    }
  }

  function loadWorld(url) {
    if (!worldLoading) {
      worldLoading = fetchJSON(url).then(function (topology) {
        const geojson = window.topojson.feature(topology, topology.objects.countries);
        // world-atlas keeps the ISO 3166-1 numeric code (= M49 code, zero-padded) in feature.id;
        // ECharts reads region names from the properties, so copy it there.
        geojson.features = geojson.features.filter(function (f) {
          return f.id !== ANTARCTICA;
        });
        geojson.features.forEach(function (f, i) {
          f.properties = f.properties || {};
          const id = f.id != null ? String(f.id) : 'none-' + i;
          f.properties.id = id;
          atlasNames[id] = f.properties.name || '';
          unwrapGeometry(f.geometry);
        });
        window.echarts.registerMap('world', geojson);
        return geojson;
      });
    }
    return worldLoading;
  }

  // Mode "roles": {ISO3: "member" | "observer"}; needs the ISO3 → M49 lookup from the API.
  function roleItems(container, roles) {
    const url = container.getAttribute('data-areas-url') || '/api/v1/registry/countries';
    return fetchJSON(url).then(function (areas) {
      const items = [];
      areas.forEach(function (area) {
        const role = roles[area.iso3];
        if (!role || !area.m49) {
          return;
        }
        items.push({
          name: area.m49,
          value: role === 'member' ? 1 : 2,
          iso3: area.iso3,
          label: area.name,
          text: role === 'member' ? label(container, 'member', 'Member') : label(container, 'observer', 'Observer'),
        });
      });
      return {
        items: items,
        visualMap: {
          type: 'piecewise',
          dimension: 0,
          orient: 'horizontal',
          left: 'center',
          bottom: 0,
          pieces: [
            { value: 1, label: label(container, 'member', 'Member'), color: COLOURS.member },
            { value: 2, label: label(container, 'observer', 'Observer'), color: COLOURS.observer },
          ],
          outOfRange: { color: COLOURS.empty },
        },
      };
    });
  }

  // Mode "counts": [{iso3, m49, name, count}].
  function countItems(container, rows) {
    const countWord = label(container, 'count', 'Mechanisms');
    let max = parseInt(container.getAttribute('data-max'), 10) || 0;
    const items = [];
    rows.forEach(function (row) {
      // Statistics maps name the number "value"; the registry's maps "count".
      row = Object.assign({}, row, { count: row.count != null ? row.count : row.value });
      max = Math.max(max, row.count);
      if (!row.m49) {
        return;
      }
      items.push({
        name: row.m49,
        value: row.count,
        iso3: row.iso3,
        label: row.name,
        text: countWord + ': ' + row.count,
      });
    });
    return Promise.resolve({
      items: items,
      visualMap: {
        type: 'continuous',
        min: 0,
        max: Math.max(max, 1),
        precision: 0,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        text: [String(Math.max(max, 1)), '0'],
        inRange: { color: [COLOURS.countLow, COLOURS.countHigh] },
        outOfRange: { color: COLOURS.empty },
      },
    });
  }

  function drawMap(container) {
    if (!window.echarts || !window.topojson || !window.fetch) {
      fail(container, 'ECharts, topojson-client or fetch is missing');
      return;
    }
    let data;
    try {
      data = readJSON(container.getAttribute('data-map-source'));
    } catch (error) {
      fail(container, error);
      return;
    }
    const mode = container.getAttribute('data-mode') || 'counts';
    const topojsonUrl = container.getAttribute('data-topojson') || '/static/vendor/countries-50m.json';
    Promise.all([
      loadWorld(topojsonUrl),
      mode === 'roles' ? roleItems(container, data) : countItems(container, data),
    ])
      .then(function (results) {
        const layer = results[1];
        const chart = window.echarts.init(container, null, { renderer: 'canvas' });
        chart.setOption({
          aria: { enabled: false },
          animation: false,
          tooltip: {
            trigger: 'item',
            formatter: function (params) {
              const d = params.data;
              if (!d) {
                return escapeHTML(atlasNames[params.name] || '');
              }
              return '<strong>' + escapeHTML(d.label) + '</strong><br>' + escapeHTML(d.text);
            },
          },
          visualMap: layer.visualMap,
          series: [
            {
              type: 'map',
              map: 'world',
              nameProperty: 'id',
              roam: true,
              scaleLimit: { min: 1, max: 16 },
              top: 10,
              bottom: 40,
              label: { show: false },
              itemStyle: { areaColor: COLOURS.empty, borderColor: COLOURS.border, borderWidth: 0.4 },
              emphasis: { label: { show: false }, itemStyle: { areaColor: COLOURS.hover } },
              select: { disabled: true },
              data: layer.items,
            },
          ],
        });
        chart.on('click', function (params) {
          if (params.data && params.data.iso3) {
            window.location.href = countryUrl(container, params.data.iso3);
          }
        });
        keepSized(chart, container);
      })
      .catch(function (error) {
        fail(container, error);
      });
  }

  // --- the overlap network -------------------------------------------------------------------

  function drawNetwork(container) {
    if (!window.echarts) {
      fail(container, 'ECharts is missing');
      return;
    }
    let data;
    try {
      data = readJSON(container.getAttribute('data-network-source'));
    } catch (error) {
      fail(container, error);
      return;
    }
    const names = {};
    let maxMembers = 1;
    let maxShared = 1;
    data.nodes.forEach(function (n) {
      names[n.id] = n.short_name;
      maxMembers = Math.max(maxMembers, n.members);
    });
    data.links.forEach(function (l) {
      maxShared = Math.max(maxShared, l.shared);
    });
    const categories = TYPES.map(function (type) {
      return { name: label(container, type, type), itemStyle: { color: TYPE_COLOURS[type] } };
    });
    const nodes = data.nodes.map(function (n) {
      const index = TYPES.indexOf(n.type);
      return {
        id: n.id,
        name: n.short_name,
        value: n.members,
        url: n.url,
        typeLabel: n.type_label,
        category: index === -1 ? 0 : index,
        symbolSize: 8 + 42 * Math.sqrt(n.members / maxMembers),
      };
    });
    const links = data.links.map(function (l) {
      return {
        source: l.source,
        target: l.target,
        value: l.shared,
        jaccard: l.jaccard,
        lineStyle: { width: 0.5 + 6 * (l.shared / maxShared) },
      };
    });
    const sharedWord = label(container, 'shared', 'Shared members');
    const membersWord = label(container, 'members', 'Members');
    const jaccardWord = label(container, 'jaccard', 'Jaccard index');
    try {
      const chart = window.echarts.init(container, null, { renderer: 'canvas' });
      chart.setOption({
        aria: { enabled: false },
        tooltip: {
          trigger: 'item',
          formatter: function (params) {
            const d = params.data;
            if (params.dataType === 'edge') {
              return (
                '<strong>' + escapeHTML(names[d.source]) + ' – ' + escapeHTML(names[d.target]) + '</strong><br>' +
                escapeHTML(sharedWord) + ': ' + escapeHTML(d.value) + '<br>' +
                escapeHTML(jaccardWord) + ': ' + escapeHTML(d.jaccard)
              );
            }
            return (
              '<strong>' + escapeHTML(d.name) + '</strong><br>' + escapeHTML(d.typeLabel) + '<br>' +
              escapeHTML(membersWord) + ': ' + escapeHTML(d.value)
            );
          },
        },
        legend: [{ data: categories.map(function (c) { return c.name; }), top: 0 }],
        series: [
          {
            type: 'graph',
            layout: 'force',
            top: 40,
            zoom: 0.85,
            roam: true,
            draggable: true,
            categories: categories,
            data: nodes,
            links: links,
            label: { show: true, position: 'right', fontSize: 11, color: '#1b1f24' },
            labelLayout: { hideOverlap: true },
            force: { repulsion: 260, gravity: 0.1, edgeLength: [60, 220], friction: 0.2 },
            lineStyle: { color: 'source', opacity: 0.35, curveness: 0.08 },
            emphasis: { focus: 'adjacency', lineStyle: { opacity: 0.9 } },
          },
        ],
      });
      chart.on('click', function (params) {
        if (params.dataType === 'node' && params.data && params.data.url) {
          window.location.href = params.data.url;
        }
      });
      keepSized(chart, container);
    } catch (error) {
      fail(container, error);
    }
  }

  function start() {
    document.querySelectorAll('.map[data-map-source]').forEach(drawMap);
    document.querySelectorAll('.network[data-network-source]').forEach(drawNetwork);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
