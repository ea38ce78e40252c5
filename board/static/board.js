// The board's own script: the move dialog. htmx (htmx.min.js) posts the forms and swaps
// the roadmap table in place; without scripts the status forms post and reload the page.
"use strict";

function openMove(button) {
  const dialog = document.getElementById("move-dialog");
  const project = button.closest("tr").querySelector(".project");
  dialog.querySelector("#move-project").textContent = project.textContent;
  dialog.querySelector("#move-initiative").value = button.dataset.move;
  dialog.querySelector("#move-to").value = button.dataset.to;
  dialog.querySelector("#move-reason").value = "";
  dialog.showModal();
  dialog.querySelector("#move-reason").focus();
}

document.addEventListener("click", (event) => {
  const mover = event.target.closest("[data-move]");
  if (mover) {
    openMove(mover);
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
