/* A class page: the teacher makes a new join code (the old one stops working). */
(function () {
  "use strict";
  const button = document.getElementById("join-code-renew");
  if (!button) return;
  button.addEventListener("click", async () => {
    try {
      const code = await window.Sohoa.api.post(button.dataset.url, {});
      document.getElementById("join-code").textContent = code.join_code;
      document.getElementById("join-code-expiry").textContent = new Date(code.expires_at).toLocaleString();
    } catch (err) {
      document.getElementById("join-code-expiry").textContent = err.message;
    }
  });
})();
