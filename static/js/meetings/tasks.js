/* The open tasks of the user's organisation (meetings/tasks.html): marking one done.
 * Needs static/js/sohoa-api.js (window.Sohoa) loaded first. */
(function () {
  "use strict";
  const list = document.getElementById("task-list");
  if (!list) return;
  list.addEventListener("click", async function (event) {
    const button = event.target.closest("[data-done-url]");
    if (!button || !window.confirm(Sohoa.t("confirm_done"))) return;
    const item = button.closest(".m-task");
    const error = item.querySelector("[data-error]");
    button.disabled = true;
    try {
      await Sohoa.api.post(button.dataset.doneUrl);
      Sohoa.toast(Sohoa.t("done"));
      item.classList.add("is-done");
      setTimeout(function () {
        item.remove();
        const left = list.querySelectorAll(".m-task").length;
        document.getElementById("open-count").textContent = Sohoa.t("open_count", { n: left });
        document.getElementById("no-tasks").hidden = left > 0;
      }, 400);
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      button.disabled = false;
    }
  });
})();
