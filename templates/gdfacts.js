// guangdong-facts: small repairs to pages that Datasette and its dashboard plugin draw.
// Served at /-/gdfacts.js as a module (it runs once the page is parsed). It never reads
// a cell as markup: record ids become links through textContent and encodeURIComponent.
const recordRoute = {{ record_route|tojson }};

// Datasette's filter form has no labels for its column, operation and value fields.
const filterLabels = {_filter_column: "Column to filter", _filter_op: "How to compare", _filter_value: "Value to compare with"};
function labelFilters() {
  document.querySelectorAll("form.filters select, form.filters input.filter-value").forEach((field) => {
    if (field.getAttribute("aria-label")) return;
    const name = (field.name || "").replace(/_\d+$/, "");
    if (filterLabels[name]) field.setAttribute("aria-label", filterLabels[name]);
  });
}

// A dashboard's table chart: its record ids link to their cards.
function linkRecords(table) {
  if (table.dataset.recordsLinked) return;
  const headers = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
  const column = headers.indexOf("record_id");
  if (column < 0) return;
  table.dataset.recordsLinked = "1";
  table.querySelectorAll("tbody tr").forEach((tr) => {
    const cell = tr.children[column];
    if (!cell) return;
    const id = cell.textContent.trim();
    const link = document.createElement("a");
    link.href = recordRoute + encodeURIComponent(id);
    link.textContent = id;
    cell.textContent = "";
    cell.appendChild(link);
  });
}

// The chart library's menu of actions opens from an empty summary: give it a name.
function nameChartMenus() {
  document.querySelectorAll("details > summary").forEach((summary) => {
    if (summary.textContent.trim() || summary.getAttribute("aria-label") || summary.querySelector("title")) return;
    summary.setAttribute("aria-label", "Chart actions: save or view the source");
  });
}

function repair() {
  labelFilters();
  nameChartMenus();
  document.querySelectorAll(".dashboard-card-chart table").forEach(linkRecords);
}

repair();
if (document.querySelector(".dashboard-grid")) {
  new MutationObserver(repair).observe(document.querySelector(".dashboard-grid"), {childList: true, subtree: true});
}
