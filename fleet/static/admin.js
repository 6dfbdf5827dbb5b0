// The administration pages. A new API token is shown on the answer to the form only: the address becomes the
// token list's at once, so reloading the page opens the list (the token gone) instead of posting the form again.
document.addEventListener("DOMContentLoaded", () => {
  const once = document.querySelector("[data-once]");
  if (once) {
    history.replaceState(null, "", once.dataset.once);
    once.addEventListener("focus", () => once.select());
  }
});
