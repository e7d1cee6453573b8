/* Form errors, the same on every form: each bad field marked (.has-error, aria-invalid)
 * with its own message under it, every message listed at the top, the first bad field
 * focused. For a form sent to the JSON API, give it the refusal:
 *
 *   try { await Sohoa.api.post(url, body); }
 *   catch (err) { Sohoa.forms.showErrors(form, err, { summary: box, names: { choices: "choice" } }); }
 *
 * err.details.errors (every field wrong) or err.details.field (one) name the fields; a
 * message naming no field of the form goes to the summary only. Server-rendered forms
 * come back with the marks in place; the first field marked is focused on load.
 */
(function (global) {
  "use strict";
  const Sohoa = global.Sohoa || (global.Sohoa = {});

  function fieldOf(input) {
    return input.closest(".field, fieldset, [data-field-box]") || input.parentElement;
  }

  function inputFor(form, name, names) {
    // a row of a list: "tasks.2.deadline" is [name=deadline] in the third child of [data-rows=tasks]
    const item = /^([\w-]+)\.(\d+)\.([\w.-]+)$/.exec(name);
    const rows = item && form.querySelector('[data-rows="' + item[1] + '"]');
    if (rows) {
      const row = rows.children[Number(item[2])];
      return row ? row.querySelector('[name="' + CSS.escape(item[3]) + '"]') : null;
    }
    const candidates = [names && names[name], name, name.replace(/\.\d+$/, ""), name.split(".")[0]];
    for (const key of candidates) {
      if (!key) continue;
      const mapped = (names && names[key]) || key;
      const found = form.querySelector('[name="' + CSS.escape(mapped) + '"]');
      if (found) return found;
    }
    return null;
  }

  function describedBy(input, id, on) {
    const ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) { return x && x !== id; });
    if (on) ids.push(id);
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  function clearErrors(form, summary) {
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    form.querySelectorAll(".field-error").forEach(function (el) {
      el.textContent = "";
      el.hidden = true;
      form.querySelectorAll('[aria-describedby~="' + el.id + '"]').forEach(function (input) {
        describedBy(input, el.id, false);
      });
    });
    const box = summary || form.querySelector("[data-form-errors]");
    if (box) { box.hidden = true; box.replaceChildren(); }
  }

  function messageBox(form, input, name) {
    const box = fieldOf(input);
    let line = box.querySelector('.field-error[data-error-for="' + CSS.escape(name) + '"]') ||
      box.querySelector('.field-error[data-error-for="' + CSS.escape(input.name) + '"]');
    if (!line) {
      line = document.createElement("span");
      line.className = "field-error";
      line.dataset.errorFor = name;
      line.id = (form.id || "form") + "-" + name.replace(/[^\w-]/g, "-") + "-error";
      box.append(line);
    }
    return line;
  }

  /* Marks every field named by the refusal; returns the first bad input (in page order). */
  function showErrors(form, err, options) {
    const opts = options || {};
    const summary = opts.summary || form.querySelector("[data-form-errors]");
    clearErrors(form, summary);
    const details = (err && err.details) || {};
    const listed = details.errors && details.errors.length ? details.errors
      : [{ field: details.field || opts.field || "", message: err && err.message ? err.message : String(err) }];
    const marked = [];
    const messages = [];
    listed.forEach(function (entry) {
      messages.push(entry.message);
      const input = entry.field ? inputFor(form, entry.field, opts.names) : null;
      if (!input) return;
      const box = fieldOf(input);
      box.classList.add("has-error");
      const line = messageBox(form, input, entry.field);
      line.textContent = line.hidden || !line.textContent ? entry.message : line.textContent + " " + entry.message;
      line.hidden = false;
      form.querySelectorAll('[name="' + CSS.escape(input.name) + '"]').forEach(function (el) {
        el.setAttribute("aria-invalid", "true");
      });
      describedBy(input, line.id, true);
      marked.push(input);
    });
    if (summary) {
      const list = document.createElement("ul");
      messages.forEach(function (text) {
        const item = document.createElement("li");
        item.textContent = text;
        list.append(item);
      });
      summary.replaceChildren(list);
      summary.hidden = false;
    }
    marked.sort(function (a, b) {
      return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    const first = marked[0];
    if (first) {
      first.focus({ preventScroll: true });
      first.scrollIntoView({ block: "center", behavior: "instant" });
    } else if (summary) {
      summary.scrollIntoView({ block: "center", behavior: "instant" });
    }
    return first || null;
  }

  /* Fields marked by the server (a re-rendered form): the first one gets the focus. */
  function focusMarked() {
    const bad = document.querySelector("form [aria-invalid=true]");
    if (bad) bad.focus();
  }

  Sohoa.forms = { showErrors: showErrors, clearErrors: clearErrors };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusMarked);
  else focusMarked();
})(window);
