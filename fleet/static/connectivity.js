// The connectivity survey's form: after a refused save the error summary takes the focus (a screen reader reads
// it, a keyboard user tabs straight to the links), and a link of the summary puts the focus in its field with the
// question's label in view. No inline script: the CSP forbids it.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#f-']");
    const field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    const question = field.closest(".q") || field;
    question.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
});
