// datasette-dashboards' table, metric and map renderers, writing every value
// as text (textContent) where the plugin's own assign it to innerHTML.
// Loaded after dashboards.js (see dashboards_text.py), whose functions
// getDataUrl and enableChartTooltip they use.

async function chartData(chart, query_string, absolute_url) {
  const response = await fetch(getDataUrl(chart, query_string, absolute_url))
  return response.json()
}

function chartWrapper(chart_slug, content, style) {
  const wrapper = document.createElement('div')
  Object.assign(wrapper.style, {width: '100%', height: '100%'}, style)
  wrapper.appendChild(content)
  document.querySelector(`#chart-${chart_slug}`).appendChild(wrapper)
}

renderTableChart = async function (chart_slug, chart, query_string, absolute_url) {
  const data = await chartData(chart, query_string, absolute_url)
  const columns = data.rows.length ? Object.keys(data.rows[0]) : []
  const table = document.createElement('table')
  const head = table.createTHead().insertRow()
  columns.forEach(column => { head.appendChild(document.createElement('th')).textContent = column })
  const body = table.createTBody()
  data.rows.forEach(row => {
    const tr = body.insertRow()
    columns.forEach(column => { tr.insertCell().textContent = row[column] })
  })
  chartWrapper(chart_slug, table, {overflow: 'auto'})
  if (data.truncated) enableChartTooltip(chart_slug)
}

renderMetricChart = async function (chart_slug, chart, query_string, absolute_url) {
  const data = await chartData(chart, query_string, absolute_url)
  const p = document.createElement('p')
  p.textContent = `${chart.display.prefix || ''}${data.rows[0][chart.display.field]}${chart.display.suffix || ''}`
  Object.assign(p.style, {fontSize: '2.2rem', fontWeight: '900'})
  chartWrapper(chart_slug, p, {display: 'flex', flexDirection: 'column', justifyContent: 'center',
                               alignItems: 'center', overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis'})
  if (data.truncated) enableChartTooltip(chart_slug)
}

renderMapChart = async function (chart_slug, chart, query_string, absolute_url) {
  document.addEventListener('DOMContentLoaded', async () => {
    const data = await chartData(chart, query_string, absolute_url)
    const options = chart.display || {}
    const latitude = options.latitude_column || 'latitude'
    const longitude = options.longitude_column || 'longitude'
    const area = document.createElement('div')
    Object.assign(area.style, {width: '100%', height: '100%', minHeight: '200px'})
    document.querySelector(`#chart-${chart_slug}`).appendChild(area)
    const map = L.map(area, {zoom: 12})
    map.addLayer(L.tileLayer('https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png', {
      maxZoom: 19, detectRetina: true,
      attribution: '&copy; <a href="https://openstreetmap.org/copyright">OpenStreetMap contributors</a>'}))
    data.rows.forEach(row => {
      const popup = document.createElement('div')
      Object.entries(row)
        .filter(([key]) => options.show_latlng_popup || (key !== latitude && key !== longitude))
        .forEach(([key, value]) => {
          const name = popup.appendChild(document.createElement('span'))
          name.style.fontWeight = 'bold'
          name.textContent = `${key}:`
          popup.append(` ${value}`, document.createElement('br'))
        })
      map.addLayer(L.marker([row[latitude], row[longitude]]).bindPopup(popup))
    })
    map.fitBounds(new L.LatLngBounds(data.rows.map(row => [row[latitude], row[longitude]])))
    if (data.truncated) enableChartTooltip(chart_slug)
  })
}
