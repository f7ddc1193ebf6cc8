// The space's home page: its blocks are edited in place with htmx (see spaces/views/home.py).
// Without JavaScript the same links and forms work as ordinary pages.
(() => {
  let swapped = null;

  document.addEventListener("htmx:beforeSwap", (event) => {
    // A form with errors answers 400: show it in place, with its errors, like a page would.
    if (event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    swapped = event.detail.target ? event.detail.target.id : null;
  });

  document.addEventListener("htmx:afterSettle", () => {
    const block = swapped && document.getElementById(swapped);
    swapped = null;
    if (!block) {
      return;
    }
    // Keyboard and screen-reader users land where the change happened: on the errors, on the
    // field to fill in, or back on the block's heading (its saved message is a status).
    const target =
      block.querySelector("[data-error-summary]") ||
      block.querySelector("textarea, input:not([type='hidden'])") ||
      block.querySelector("h2[tabindex='-1']");
    if (target) {
      target.focus();
    }
  });
})();
