/* A class page: teachers add a lesson (with its slide deck) and import the roster from CSV. */
(function () {
  "use strict";
  const root = document.getElementById("class");
  if (!root) return;
  const classId = root.dataset.class;
  const Sohoa = window.Sohoa;
  const api = Sohoa.api;

  const lessonForm = document.getElementById("lesson-form");
  if (lessonForm) {
    lessonForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      const error = document.getElementById("lesson-error");
      Sohoa.forms.clearErrors(lessonForm, error);
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
        Sohoa.forms.showErrors(lessonForm, err, { summary: error });
      }
    });
  }

  const rosterForm = document.getElementById("roster-form");
  if (rosterForm) {
    rosterForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      const list = document.getElementById("roster-rejected");
      list.replaceChildren();
      Sohoa.forms.clearErrors(rosterForm);
      const data = new FormData();
      if (rosterForm.file.files[0]) data.append("file", rosterForm.file.files[0]);
      try {
        await api.upload(`/api/v1/classes/${classId}/roster`, data);
        window.location.reload();
      } catch (err) {
        // the refusal under the file field, then every rejected row
        Sohoa.forms.showErrors(rosterForm, err, { field: "file" });
        for (const row of (err.details && err.details.rejected) || []) {
          const li = document.createElement("li");
          li.textContent = window.Sohoa.t("line", row);
          list.append(li);
        }
      }
    });
  }
})();
