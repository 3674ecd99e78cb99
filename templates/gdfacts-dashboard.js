// guangdong-facts: on a dashboard, the record ids of a table chart link to their cards.
// The dashboard draws its tables after the page loads; each cell is read as text, never as markup.
(function () {
  const recordRoute = {{ record_route|tojson }};
  function linkRecords(table) {
    const headers = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    const column = headers.indexOf("record_id");
    if (column < 0 || table.dataset.recordsLinked) return;
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
  function scan() { document.querySelectorAll(".dashboard-card-chart table").forEach(linkRecords); }
  document.addEventListener("DOMContentLoaded", () => {
    scan();
    new MutationObserver(scan).observe(document.body, { childList: true, subtree: true });
  });
})();
