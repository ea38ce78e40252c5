// The board's own script: the move dialog, and where a status control posts. htmx
// (htmx.min.js) posts the forms and swaps the roadmap table in place.
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
  // A status control's Set is no submit button: before the scripts run, its bare form
  // would post to the page itself; until then a click does nothing.
  const setter = event.target.closest("form.status-change button");
  if (setter) {
    setter.form.requestSubmit();
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

// A status control is a bare form (a roadmap shows thousands of them): it posts to its
// deliverable's URL, made from the table's pattern, with its initiative's version; the
// CSRF token goes in the header that htmx adds from the table's hx-headers.
document.addEventListener("htmx:configRequest", (event) => {
  const form = event.detail.elt;
  if (!form.matches("form.status-change")) {
    return;
  }
  const deliverable = form.closest("tr.deliverable").id.slice("deliverable-".length);
  const pattern = form.closest("#roadmap-table").dataset.statusAction;
  event.detail.path = pattern.replace("{deliverable}", deliverable);
  event.detail.parameters.expected_version = form.closest("tr.initiative").dataset.version;
});
