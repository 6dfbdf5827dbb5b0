// The labels page: choosing another label stock or printer shows its sheet at once (the form is sent
// with action=show, as the "Show this stock" button sends it); the page works the same without this.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("label-form");
  const show = document.getElementById("show-sheet");
  if (!form || !show) return;
  for (const id of ["stock", "printer"]) {
    const field = document.getElementById(id);
    if (field) field.addEventListener("change", () => form.requestSubmit(show));
  }
});
