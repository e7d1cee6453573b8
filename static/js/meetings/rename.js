/* The preparation page: an organiser corrects a document's title in place.
 * Needs /static/js/sohoa-api.js. */
(function () {
  "use strict";

  document.querySelectorAll(".m-doc").forEach(function (row) {
    const form = row.querySelector("[data-rename-form]");
    const open = row.querySelector("[data-rename]");
    if (!form || !open) return;
    const link = row.querySelector("[data-doc-title]");

    function show(editing) {
      form.hidden = !editing;
      link.hidden = editing;
      open.setAttribute("aria-expanded", String(editing));
      if (editing) {
        form.elements.title.value = link.textContent;
        form.elements.title.focus();
        form.elements.title.select();
      }
      Sohoa.forms.clearErrors(form);
    }

    open.addEventListener("click", function () { show(form.hidden); });
    form.querySelector("[data-rename-cancel]").addEventListener("click", function () { show(false); });
    form.addEventListener("keydown", function (event) { if (event.key === "Escape") show(false); });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const button = form.querySelector("[type=submit]");
      Sohoa.forms.clearErrors(form);
      button.disabled = true;
      try {
        const saved = await Sohoa.api.patch(form.dataset.url, { title: form.elements.title.value.trim() });
        link.textContent = saved.title;
        show(false);
      } catch (err) {
        Sohoa.forms.showErrors(form, err, { field: "title" });
      } finally {
        button.disabled = false;
      }
    });
  });
})();
