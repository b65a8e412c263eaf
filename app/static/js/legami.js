// Legami: small progressive enhancements; every page works without them.
document.addEventListener("submit", (event) => {
  // Buttons that destroy or lock something ask once before submitting.
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
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
