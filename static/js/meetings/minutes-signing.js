/* The minutes' signing panel of the record page: sign in turn, hear others sign. */
(function () {
  "use strict";
  const panel = document.getElementById("signing");
  if (!panel) return;
  const page = document.getElementById("record-page");
  const meetingId = Number(page && page.dataset.meetingId);
  const button = document.getElementById("minutes-sign");
  const error = document.getElementById("signing-error");
  const done = document.getElementById("signing-done");

  function showError(message) {
    error.textContent = message;
    error.hidden = false;
  }

  if (button) {
    button.addEventListener("click", async function () {
      error.hidden = true;
      button.disabled = true;
      done.textContent = Sohoa.t("signing");
      const seal = document.getElementById("signing-seal");
      try {
        await Sohoa.api.post(panel.dataset.signUrl, { seal: Boolean(seal && seal.checked) });
        done.textContent = Sohoa.t("signed");
        window.location.hash = "signing";
        window.location.reload();
      } catch (err) {
        done.textContent = "";
        showError(err.message);
        button.disabled = false;
      }
    });
  }

  // Someone signed: the room hears it; the next signer is told it is their turn.
  if (typeof io === "function" && meetingId) {
    const room = io("/meetings", { transports: ["websocket", "polling"] });
    room.on("connect", function () { room.emit("join", { meeting_id: meetingId }, function () {}); });
    room.on("minutes_signed", function () {
      Sohoa.api.get(panel.dataset.stateUrl).then(function (state) {
        if (state.my_turn) {
          document.getElementById("signing-turn").hidden = false;
        }
        done.textContent = Sohoa.t("signed");
        setTimeout(function () { window.location.reload(); }, 800);
      }).catch(function () { /* the page still works without the live update */ });
    });
    const notices = io("/notifications", { transports: ["websocket", "polling"] });
    notices.on("minutes_turn", function (data) {
      if (data.meeting_id === meetingId) document.getElementById("signing-turn").hidden = false;
    });
  }
})();
