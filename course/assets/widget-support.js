// Loaded on pages with widgets, after require.js and before the widget manager (_config.yml, nb_ipywidgets_js).
//
// 1. The widget manager typesets HTML widgets through MathJax 2's API (MathJax.Hub.Queue); the site serves
//    MathJax 3, which has no Hub. Whatever object window.MathJax becomes (Sphinx's configuration first,
//    then MathJax 3 itself), it gets a Hub whose Queue typesets the element with MathJax 3.
// 2. The manager draws a slider's figure as an <img> without alt text. Each slider shows its caption (the
//    state it shows, in words) next to its figure: that caption becomes the image's alt text.
(() => {
  const withHub = (mathjax) => {
    if (mathjax && typeof mathjax === "object" && !mathjax.Hub) {
      mathjax.Hub = {
        Queue: (...jobs) => {
          for (const job of jobs) {
            if (Array.isArray(job) && job[0] === "Typeset" && window.MathJax.typesetPromise) {
              window.MathJax.typesetPromise([job[2]]).catch(() => {});
            }
          }
        },
      };
    }
    return mathjax;
  };
  let mathjax = withHub(window.MathJax);
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    get: () => mathjax,
    set: (value) => { mathjax = withHub(value); },
  });

  const describe = () => {
    for (const img of document.querySelectorAll("img.widget-image")) {
      const box = img.closest(".widget-vbox");
      const caption = box && box.querySelector(".widget-html");
      const text = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
      const alt = `Slider figure: ${text || "the state the slider selects"}`;
      if (img.alt !== alt) img.alt = alt;
    }
  };
  new MutationObserver(describe).observe(document.documentElement, { childList: true, subtree: true });
})();
