/* Vào lớp bằng mã: type the class's code, pick a name, wait for the teacher to admit the
 * device, then open the live lesson. The request's state is polled every 2 s (a waiting
 * device has no session to hold a socket with). */
(function () {
  "use strict";
  const api = window.Sohoa.api;
  const t = window.Sohoa.t;
  const $ = (id) => document.getElementById(id);
  const codeForm = $("join-code-form");
  const error = $("join-error");
  let code = "";
  let timer = null;

  function step(name) {
    codeForm.hidden = name !== "code";
    $("join-names").hidden = name !== "names";
    $("join-wait").hidden = name !== "wait";
  }

  function fail(err) { error.textContent = err.message || String(err); }

  codeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    window.Sohoa.forms.clearErrors(codeForm);
    code = $("join-code").value.trim();
    try {
      const found = await api.post("/api/v1/classroom/join", { code });
      $("join-class").textContent = t("joinClass", { name: found.class.name, school: found.class.school, lesson: found.lesson.title });
      const list = $("join-name-list");
      list.replaceChildren();
      for (const student of found.students) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "join-name";
        b.setAttribute("role", "listitem");
        b.textContent = student.name;
        b.addEventListener("click", () => ask(student));
        list.append(b);
      }
      step("names");
    } catch (err) {
      // a wrong, expired or missing code: said under the code field, which gets the focus
      window.Sohoa.forms.showErrors(codeForm, err, { field: "code" });
    }
  });
  $("join-back").addEventListener("click", () => { error.textContent = ""; step("code"); });

  async function ask(student) {
    error.textContent = "";
    try {
      await api.post("/api/v1/classroom/join/requests", { code, member_id: student.id });
      $("join-wait-name").textContent = t("waitingFor", { name: student.name });
      step("wait");
      poll();
    } catch (err) { fail(err); }
  }

  async function poll() {
    clearTimeout(timer);
    try {
      const state = await api.get("/api/v1/classroom/join/request");
      if (state.status === "admitted" && state.url) {
        $("join-wait-text").textContent = t("admitted");
        window.location.href = state.url;
        return;
      }
      if (state.status !== "waiting") {
        step("code");
        error.textContent = t(state.status);
        return;
      }
    } catch (err) { /* a weak link: keep waiting */ }
    timer = setTimeout(poll, 2000);
  }
})();
