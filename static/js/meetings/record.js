/* The meeting record page: adding conclusions with follow-up tasks, and the secretary's
 * minutes editor. Needs /static/js/sohoa-api.js. */
(function () {
  "use strict";

  const page = document.getElementById("record-page");
  if (!page) return;
  const api = Sohoa.api;
  const t = Sohoa.t;

  function showError(box, message) {
    box.textContent = message;
    box.hidden = !message;
  }

  /* -- conclusions with task rows ------------------------------------------------------- */

  const form = document.getElementById("conclusion-form");
  if (form) {
    const rows = document.getElementById("task-rows");
    const template = document.getElementById("task-row-template");
    const none = document.getElementById("no-task-rows");

    function refresh() {
      none.hidden = rows.children.length > 0;
    }

    let made = 0;
    function addRow() {
      const row = template.content.firstElementChild.cloneNode(true);
      made += 1;  // each row's date field gets ids of its own
      const own = function (ids) { return ids.split(/\s+/).map(function (id) { return id + "-" + made; }).join(" "); };
      row.querySelectorAll("[id]").forEach(function (el) { el.id = own(el.id); });
      row.querySelectorAll("[aria-describedby]").forEach(function (el) {
        el.setAttribute("aria-describedby", own(el.getAttribute("aria-describedby")));
      });
      row.querySelectorAll("label[for]").forEach(function (el) { el.htmlFor = own(el.htmlFor); });
      rows.appendChild(row);
      Sohoa.dates.setUp(row);
      refresh();
      row.querySelector("select").focus();
    }

    document.getElementById("add-task-row").addEventListener("click", addRow);
    rows.addEventListener("click", function (event) {
      const remove = event.target.closest("[data-remove-task]");
      if (!remove) return;
      remove.closest(".m-task-row").remove();
      refresh();
    });

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const body = {
        text: form.elements.text.value.trim(),
        agenda_item_id: form.elements.agenda_item_id.value || null,
        tasks: Array.from(rows.querySelectorAll(".m-task-row")).map(function (row) {
          return {
            organization: row.querySelector("[name=organization]").value,
            description: row.querySelector("[name=description]").value.trim(),
            deadline: row.querySelector("[name=deadline]").value,
          };
        }),
      };
      const button = form.querySelector("[type=submit]");
      button.disabled = true;
      try {
        await api.post(page.dataset.conclusionsUrl, body);
        Sohoa.toast(t("conclusion_saved"), "success", { afterReload: true });
        window.location.hash = "conclusions";
        window.location.reload();
      } catch (err) {
        Sohoa.forms.showErrors(form, err);
        button.disabled = false;
      }
    });
  }

  /* -- minutes (secretary) ------------------------------------------------------------------ */

  const minutes = document.getElementById("minutes-form");
  if (minutes) {
    const area = document.getElementById("minutes-text");
    const state = document.getElementById("minutes-state");
    const errorBox = minutes.querySelector("[data-error]");
    let saved = area.value;

    function dirty() {
      const changed = area.value !== saved;
      state.classList.toggle("is-dirty", changed);
      if (changed) state.textContent = t("unsaved");
      return changed;
    }

    area.addEventListener("input", dirty);

    minutes.addEventListener("submit", async function (event) {
      event.preventDefault();
      const button = document.getElementById("minutes-save");
      button.disabled = true;
      try {
        const result = await api.put(page.dataset.minutesUrl, { text: area.value });
        saved = result.text;
        const now = new Date();
        const time = String(now.getHours()).padStart(2, "0") + ":" +
          String(now.getMinutes()).padStart(2, "0");
        state.classList.remove("is-dirty");
        state.textContent = t("saved_at", { time: time });
        showError(errorBox, "");
        Sohoa.toast(t("minutes_saved"));
      } catch (err) {
        showError(errorBox, err.message);
      } finally {
        button.disabled = false;
      }
    });

    document.getElementById("minutes-reset").addEventListener("click", function () {
      const draft = document.getElementById("minutes-draft").value;
      if (area.value === draft) return;
      if (!window.confirm(t("confirm_reset"))) return;
      area.value = draft;
      dirty();
      Sohoa.toast(t("reset_done"));
      area.focus();
    });

    window.addEventListener("beforeunload", function (event) {
      if (area.value !== saved) {
        event.preventDefault();
        event.returnValue = t("leave_unsaved");
      }
    });
  }
})();
