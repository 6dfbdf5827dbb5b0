// The agreements roster: one button ticks every agreement awaiting a signature on the page (shown only
// where this script runs; without it each is ticked by hand).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("pick-all");
  if (!button) return;
  const boxes = () => [...document.querySelectorAll('#roster input[type=checkbox][name=loan]')];
  if (!boxes().length) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const all = boxes();
    const tick = !all.every((b) => b.checked);
    all.forEach((b) => { b.checked = tick; });
  });
});
