// Progressive enhancement for a quiz attempt: autosave as the learner answers, and a
// countdown. Without JavaScript the Save button does the same job and the server
// enforces the deadline either way.
(function () {
  "use strict";
  const form = document.getElementById("attempt-form");
  if (!form) return;
  const status = document.getElementById("autosave-status");
  const url = form.dataset.autosaveUrl;
  let timer = null;
  let dirty = false;

  function say(text) { if (status) status.textContent = text; }

  function save() {
    if (!dirty) return Promise.resolve();
    dirty = false;
    const data = new FormData(form);
    data.delete("action");
    return fetch(url, { method: "POST", body: data, credentials: "same-origin",
                        headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (result.ok) {
          say("Saved at " + new Date().toLocaleTimeString());
        } else if (result.body.closed) {
          say(result.body.message);
          window.location.reload();
        } else if (result.body.errors) {
          const first = Object.keys(result.body.errors)[0];
          say("Not saved: question " + first + ": " + result.body.errors[first]);
        }
      })
      .catch(function () { dirty = true; say("Not saved yet (offline?); will retry."); });
  }

  function schedule() {
    dirty = true;
    say("Saving…");
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty) {
      const data = new FormData(form);
      data.delete("action");
      navigator.sendBeacon(url, data);
      dirty = false;
    }
  });

  const clock = document.getElementById("timer");
  if (clock) {
    const value = document.getElementById("timer-value");
    const end = Date.now() + parseInt(clock.dataset.secondsLeft, 10) * 1000;
    const tick = function () {
      const left = Math.max(0, Math.round((end - Date.now()) / 1000));
      const minutes = Math.floor(left / 60);
      const seconds = String(left % 60).padStart(2, "0");
      value.textContent = minutes + ":" + seconds;
      if (left === 0) {
        save().then(function () { window.location.reload(); });
        return;
      }
      setTimeout(tick, 1000);
    };
    tick();
  }
})();
