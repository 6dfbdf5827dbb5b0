// The dashboard (fleet/templates/dashboard/dashboard.html): the founders' table sorts in place — each
// column's heading link becomes a button (Enter or Space), aria-sort says the order — and the charts'
// numbers open for printing. Without this file the headings' ?sort= links sort on the server.
(function () {
  const table = document.getElementById("founders");
  const NUMERIC = ["int", "money", "percent", "days"];

  function value(row, index, numeric) {
    const raw = row.cells[index] ? row.cells[index].dataset.value : "";
    if (raw === "" || raw === undefined) return null;
    return numeric ? Number(raw) : raw;
  }

  function sortBy(th) {
    const headers = Array.from(th.parentElement.children);
    const index = headers.indexOf(th);
    const numeric = NUMERIC.includes(th.dataset.kind);
    const current = th.getAttribute("aria-sort");
    const descending = current ? current === "ascending" : numeric;  // numbers: the largest first
    const body = table.tBodies[0];
    const collator = new Intl.Collator(document.documentElement.lang || "lv", { numeric: true });
    const rows = Array.from(body.rows).filter((r) => r.dataset.founder !== undefined);
    rows.sort((a, b) => {
      const x = value(a, index, numeric), y = value(b, index, numeric);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      const order = numeric ? x - y : collator.compare(x, y);
      return descending ? -order : order;
    });
    rows.forEach((r) => body.appendChild(r));
    headers.forEach((h) => h.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    const status = document.getElementById("sort-status");
    if (status) status.textContent = th.textContent.trim() + ": " + (descending ? status.dataset.down : status.dataset.up);
  }

  if (table) {
    table.querySelectorAll("thead th[data-key]").forEach((th) => {
      const link = th.querySelector("a");
      if (!link) return;
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = link.textContent;
      button.addEventListener("click", () => sortBy(th));
      link.replaceWith(button);
    });
  }

  // Printing shows every chart's numbers (a closed <details> would print empty).
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details.numbers").forEach((d) => {
      if (!d.open) { d.open = true; d.dataset.printOpened = "1"; }
    });
  });
  window.addEventListener("afterprint", () => {
    document.querySelectorAll("details.numbers[data-print-opened]").forEach((d) => {
      d.open = false; delete d.dataset.printOpened;
    });
  });
})();
