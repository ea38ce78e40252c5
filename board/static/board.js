// The board's own script: open and close the move dialogs. htmx (htmx.min.js) posts the
// forms and swaps the roadmap table; without scripts the forms post and reload the page.
"use strict";

document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-opens]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.opens);
    dialog.showModal();
    dialog.querySelector("textarea, input:not([type=hidden])")?.focus();
    return;
  }
  const closer = event.target.closest("[data-closes]");
  if (closer) {
    document.getElementById(closer.dataset.closes).close();
  }
});

// The swapped-in table replaces the open dialog; close it first so the page stays usable.
document.addEventListener("htmx:beforeSwap", () => {
  for (const dialog of document.querySelectorAll("dialog[open]")) {
    dialog.close();
  }
});
