// The board's own script: the move and planning dialogs, where a status control posts,
// live updates. htmx (htmx.min.js) posts the forms and swaps the roadmap table in place.
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

// The planning dialogs: the button's data-field-* fill the form's hidden fields of those
// names, the text of its [data-subject] the dialog's heading (as text).
function openDialog(button) {
  const dialog = document.getElementById(button.dataset.dialog);
  const form = dialog.querySelector("form");
  form.reset();
  for (const [key, value] of Object.entries(button.dataset)) {
    if (key.startsWith("field")) {
      form.elements[key.slice("field".length).toLowerCase()].value = value;
    }
  }
  dialog.querySelector("[data-subject]").textContent =
    button.querySelector("[data-subject]").textContent;
  dialog.showModal();
  form.querySelector("input:not([type=hidden]), select, textarea").focus();
}

document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-dialog]");
  if (opener) {
    openDialog(opener);
    return;
  }
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

// Live updates: the roadmap page follows its event stream (board/live.py) and refreshes
// its table when the roadmap changed, unless someone is in the middle of an edit here:
// then once they are done. A revoked session ends the stream; the reload signs out.
const REFRESH_CHECK_MS = 1000;

function changed(field) {
  if (field.type === "checkbox" || field.type === "radio") {
    return field.checked !== field.defaultChecked;
  }
  if (field.tagName === "SELECT") {
    return Array.from(field.options).some((option) => option.selected !== option.defaultSelected);
  }
  return "defaultValue" in field && field.type !== "hidden" && field.value !== field.defaultValue;
}

// Someone is editing here: a dialog is open, a field of a form has the focus, or a form
// (outside the closed dialogs) holds what they typed or chose and has not sent yet.
function editing() {
  if (document.querySelector("dialog[open]")) {
    return true;
  }
  const active = document.activeElement;
  if (active && active.form && active.matches("input, textarea, select")) {
    return true;
  }
  return Array.from(document.querySelectorAll("#roadmap-table form[method=post]")).some(
    (form) => !form.closest("dialog") && Array.from(form.elements).some(changed),
  );
}

function followRoadmap() {
  const note = document.querySelector("[data-live]");
  if (!note || !window.EventSource || !window.htmx) {
    return;
  }
  const source = new EventSource(note.dataset.live);
  let pending = false;
  const refresh = () => {
    if (editing()) {
      if (!pending) {
        note.textContent = "Others changed this roadmap: it updates once you finish this edit.";
      }
      pending = true;
      return;
    }
    pending = false;
    window.htmx.ajax("GET", note.dataset.page, {
      target: "#roadmap-table", select: "#roadmap-table", swap: "outerHTML",
    }).then(() => {
      if (!document.getElementById("roadmap-table")) {
        // The answer was no roadmap page (signed out in another tab): show what it is.
        window.location.reload();
        return;
      }
      note.textContent = `Brought up to date at ${new Date().toLocaleTimeString()}`;
    });
  };
  source.addEventListener("changed", refresh);
  source.addEventListener("signed-out", () => {
    source.close();
    window.location.reload();
  });
  window.setInterval(() => {
    if (pending) {
      refresh();
    }
  }, REFRESH_CHECK_MS);
  window.addEventListener("pagehide", () => source.close());
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", followRoadmap);
} else {
  followRoadmap();
}

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
