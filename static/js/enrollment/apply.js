/* The application form: JSON to the API with an Idempotency-Key kept for this form, so a
 * double tap or a retry after a timeout gives the same dossier. */
(function () {
  "use strict";
  const form = document.getElementById("apply-form");
  if (!form) return;
  const errorBox = document.getElementById("apply-error");
  const storeKey = "sohoa-apply-key-" + form.dataset.round;

  function key() {
    let value = sessionStorage.getItem(storeKey);
    if (!value) {
      value = (self.crypto && crypto.randomUUID) ? crypto.randomUUID()
        : String(Date.now()) + Math.random().toString(16).slice(2);
      sessionStorage.setItem(storeKey, value);
    }
    return value;
  }

  function body() {
    const data = { child: {}, guardian: {}, residence: {}, choices: [] };
    form.querySelectorAll("input, select").forEach(function (el) {
      const value = el.value.trim();
      if (el.name === "choice") { if (value) data.choices.push(value); return; }
      const parts = el.name.split(".");
      if (parts.length === 2) {
        if (value || parts[1] !== "email") data[parts[0]][parts[1]] = value;
      } else if (value) {
        data[el.name] = value;
      }
    });
    return data;
  }

  function showError(err) {
    Sohoa.forms.showErrors(form, err, { summary: errorBox, names: { choices: "choice" } });
  }

  function filesFor(data, born) {
    const files = document.getElementById("files-form");
    const status = document.getElementById("files-status");
    files.addEventListener("submit", async function (event) {
      event.preventDefault();
      const url = "/api/v1/enrollment/applications/" + data.code + "/files";
      const sent = [];
      for (const input of files.querySelectorAll("input[type=file]")) {
        if (!input.files.length) continue;
        const payload = new FormData();
        payload.append("file", input.files[0]);
        payload.append("kind", input.name);
        payload.append("date_of_birth", born);
        payload.append("pin", data.pin);
        const response = await fetch(url, {
          method: "POST", body: payload, headers: { "Accept-Language": document.documentElement.lang || "vi" },
        });
        const answer = await response.json();
        status.hidden = false;
        if (!response.ok) {
          status.className = "flash flash-error";
          status.textContent = answer.error.message;
          return;
        }
        sent.push(input.files[0].name);
        input.value = "";
      }
      status.hidden = false;
      status.className = "flash flash-success";
      status.textContent = "✓ " + sent.join(", ");
    });
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    // The server checks every field and names each one wrong in the page's language
    // (the browser's own messages would follow its locale, one field at a time).
    const button = document.getElementById("apply-submit");
    button.disabled = true;
    try {
      const response = await fetch(form.dataset.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json", "Idempotency-Key": key(),
          "Accept-Language": document.documentElement.lang || "vi",  // the page's language
        },
        body: JSON.stringify(body()),
      });
      const data = await response.json();
      if (!response.ok) {
        const error = data.error || { message: String(response.status) };
        showError({ message: error.message, details: error.details || {} });
        return;
      }
      Sohoa.forms.clearErrors(form, errorBox);
      sessionStorage.removeItem(storeKey);
      form.hidden = true;
      document.getElementById("done-code").textContent =
        data.code.slice(0, 4) + "-" + data.code.slice(4, 8) + "-" + data.code.slice(8);
      document.getElementById("done-pin").textContent = data.pin;
      document.getElementById("done-receipt").href =
        data.receipt_url + "&pin=" + encodeURIComponent(data.pin);
      document.getElementById("done-track").href = data.tracking_url;
      document.getElementById("apply-done").hidden = false;
      filesFor(data, body().child.date_of_birth);
      window.scrollTo(0, 0);
    } catch (err) {
      showError({ message: Sohoa.t ? Sohoa.t("network_error") : String(err) });
    } finally {
      button.disabled = false;
    }
  });
}());
