/* A class page: teachers add a lesson (with its slide deck) and import the roster from CSV. */
(function () {
  "use strict";
  const root = document.getElementById("class");
  if (!root) return;
  const classId = root.dataset.class;
  const api = window.Sohoa.api;

  const lessonForm = document.getElementById("lesson-form");
  if (lessonForm) {
    lessonForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      const error = document.getElementById("lesson-error");
      error.textContent = "";
      try {
        const lesson = await api.post(`/api/v1/classes/${classId}/lessons`, { title: lessonForm.title.value });
        const file = lessonForm.file.files[0];
        if (file) {
          const data = new FormData();
          data.append("file", file);
          await api.upload(`/api/v1/lessons/${lesson.id}/materials`, data);
        }
        window.location.href = `/classroom/lessons/${lesson.id}`;
      } catch (err) {
        error.textContent = err.message;
      }
    });
  }

  const rosterForm = document.getElementById("roster-form");
  if (rosterForm) {
    rosterForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      const list = document.getElementById("roster-rejected");
      list.replaceChildren();
      const data = new FormData();
      data.append("file", rosterForm.file.files[0]);
      try {
        await api.upload(`/api/v1/classes/${classId}/roster`, data);
        window.location.reload();
      } catch (err) {
        const head = document.createElement("li");
        head.textContent = err.message;
        list.append(head);
        for (const row of (err.details && err.details.rejected) || []) {
          const li = document.createElement("li");
          li.textContent = window.Sohoa.t("line", row);
          list.append(li);
        }
      }
    });
  }
})();
