// Legami: small progressive enhancements; every page works without them.
document.addEventListener("submit", (event) => {
  const form = event.target;
  // A double tap sends a form once: a second submit while the first is on its way is dropped.
  if (form.dataset.sending) {
    event.preventDefault();
    return;
  }
  // Buttons that destroy or lock something ask once before submitting.
  const message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
  if (event.defaultPrevented || form.method !== "post") return;
  form.dataset.sending = "yes";
  const buttons = Array.from(form.elements).filter((element) => element.type === "submit" && !element.disabled);
  // Disabled after the browser has read the pressed button's name and value; enabled again
  // after a few seconds, for a download that leaves the page as it is or the back button.
  setTimeout(() => buttons.forEach((button) => { button.disabled = true; }), 0);
  setTimeout(() => {
    delete form.dataset.sending;
    buttons.forEach((button) => { button.disabled = false; });
  }, 4000);
});

// Activity form: show only the recurrence fields that fit the chosen rule.
const frequency = document.querySelector("select[name='freq']");
if (frequency) {
  const update = () => {
    document.querySelectorAll("[data-freq]").forEach((element) => {
      element.hidden = !element.dataset.freq.split(" ").includes(frequency.value);
    });
  };
  frequency.addEventListener("change", update);
  update();
}

// Calendar filters: choosing a town offers only its centers (the server does the same on «Mostra»).
const town = document.getElementById("filtro-comune");
const center = document.getElementById("filtro-centro");
if (town && center) {
  const narrow = () => {
    Array.from(center.options).forEach((option) => {
      option.hidden = Boolean(option.value && town.value && option.dataset.comune !== town.value);
    });
    if (center.selectedOptions[0] && center.selectedOptions[0].hidden) center.value = "";
  };
  town.addEventListener("change", narrow);
  narrow();
}
