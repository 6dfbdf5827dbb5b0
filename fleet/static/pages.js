// Every staff page: htmx's requests carry the CSRF token (the page's <meta name="csrf-token">), and a
// button with data-print opens the browser's print dialogue. No inline script: the CSP forbids it.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers["X-CSRF-Token"] = meta.content;
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
