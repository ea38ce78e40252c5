// The board's own script: the status forms, the move and planning dialogs, live updates.
// htmx (htmx.min.js) posts the forms and swaps the roadmap table in place.
"use strict";

// A control acts on its row: a deliverable's, or else its initiative's. The row's id is
// "deliverable-" or "initiative-" and the global id; its title is the text of its .name
// (a deliverable's) or .project (an initiative's).
function rowOf(control) {
  return control.closest("tr.deliverable") || control.closest("tr.initiative");
}

function idOf(row) {
  return row.id.slice(row.id.indexOf("-") + 1);
}

function titleOf(row) {
  return row.querySelector(".name, .project").textContent;
}

function openMove(button) {
  const dialog = document.getElementById("move-dialog");
  const row = rowOf(button);
  dialog.querySelector("#move-project").textContent = titleOf(row);
  dialog.querySelector("#move-initiative").value = idOf(row);
  dialog.querySelector("#move-to").value = button.dataset.to;
  dialog.querySelector("#move-reason").value = "";
  dialog.showModal();
  dialog.querySelector("#move-reason").focus();
}

// The planning dialogs: the form's hidden field named like the button's row (initiative
// or deliverable) takes the row's id, and the dialog's [data-subject] its title, as text.
function openDialog(button) {
  const dialog = document.getElementById(button.dataset.dialog);
  const form = dialog.querySelector("form");
  const row = rowOf(button);
  form.reset();
  form.elements[row.classList.contains("deliverable") ? "deliverable" : "initiative"].value =
    idOf(row);
  dialog.querySelector("[data-subject]").textContent = titleOf(row);
  dialog.showModal();
  form.querySelector("input:not([type=hidden]), select, textarea").focus();
}

// An editor's status badge puts the page's one status form (its <template>) next to
// itself, its status chosen, with the reason to reopen only for a finished status.
function openStatus(badge) {
  const open = badge.parentElement.querySelector("form.status-change");
  if (open) {
    open.elements.status.focus();
    return;
  }
  const form = document.getElementById("status-control").content.firstElementChild.cloneNode(true);
  const title = titleOf(rowOf(badge));
  form.elements.status.setAttribute("aria-label", `Status of ${title}`);
  for (const option of form.elements.status.options) {
    option.defaultSelected = option.value === badge.dataset.status;
  }
  if ("finished" in badge.dataset) {
    form.elements.reason.setAttribute("aria-label", `Reason to reopen ${title}`);
  } else {
    form.elements.reason.remove();
  }
  badge.after(form);
  window.htmx.process(form);
  form.elements.status.focus();
}

document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-dialog]");
  if (opener) {
    openDialog(opener);
    return;
  }
  const mover = event.target.closest("button.move");
  if (mover) {
    openMove(mover);
    return;
  }
  const badge = event.target.closest("button.status");
  if (badge) {
    openStatus(badge);
    return;
  }
  // A status form's Set is no submit button: before the scripts run, its bare form
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

// Escape puts a status form away, back to its badge.
document.addEventListener("keydown", (event) => {
  const form = event.key === "Escape" && event.target.closest("form.status-change");
  if (form) {
    const badge = form.parentElement.querySelector("button.status");
    form.remove();
    badge.focus();
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

// A status form is bare (a roadmap shows thousands of deliverables): it posts to its
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
