// The identity provider's answer, posted again from our own page so the browser sends our session
// cookie (SameSite=Lax keeps it out of another site's POST). Without JavaScript, the button does it.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
