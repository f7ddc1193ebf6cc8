// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so keyboard and screen-reader users hear what went wrong;
  // forms without a summary send focus to their first invalid field instead.
  const summary = document.querySelector("[data-error-summary]");
  const invalid = document.querySelector("main [aria-invalid='true']");
  if (summary) {
    summary.focus();
  } else if (invalid) {
    invalid.focus();
  }

  // The account menu is open beside the content on wide screens and folded above it on narrow
  // ones, so that a phone shows the page itself first.
  const narrow = window.matchMedia("(max-width: 48rem)");
  const menus = document.querySelectorAll("[data-side-nav]");
  const fold = () => {
    menus.forEach((menu) => {
      menu.open = !narrow.matches;
    });
  };
  fold();
  narrow.addEventListener("change", fold);
});
