// The connectivity survey's form: after a refused save the error summary takes the focus (a screen reader reads
// it, a keyboard user tabs straight to the links that lead to each field). No inline script: the CSP forbids it.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});
