// Legami: small progressive enhancements; every page works without them.
document.addEventListener("submit", (event) => {
  // Buttons that destroy or lock something ask once before submitting.
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
