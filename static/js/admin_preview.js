// Lesson admin: the "Preview" button renders the unsaved Markdown on the server and shows
// the sanitised HTML in place. Without JavaScript the same button saves and continues.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("button[data-preview-url]");
  const target = document.getElementById("lesson-preview");
  if (!button || !target) {
    return;
  }
  const form = button.form;
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    const data = new FormData();
    data.append("body", form.elements.body ? form.elements.body.value : "");
    if (form.elements.module) {
      data.append("module", form.elements.module.value);
    }
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    button.disabled = true;
    try {
      const response = await fetch(button.dataset.previewUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
      });
      if (!response.ok) {
        throw new Error(`status ${response.status}`);
      }
      target.innerHTML = await response.text(); // sanitised by render_markdown on the server
    } catch (error) {
      target.textContent = `The preview could not be rendered (${error.message}).`;
    } finally {
      button.disabled = false;
    }
  });
});
