// Loaded after require.js and before the widget manager (see _config.yml, nb_ipywidgets_js). The manager's
// modules find its icon fonts in the folder of their require.js address: both of its module names
// ("@jupyter-widgets/html-manager" and ".../html-manager/dist/...") are mapped into the manager's copy next
// to this file, so the fonts load from the site, never a CDN. (Checked in Chromium by tests/test_site.py.)
const managerDist = new URL("@jupyter-widgets/html-manager/dist/", document.currentScript.src).href;
require.config({
  paths: {
    "@jupyter-widgets/html-manager": managerDist + "embed-amd",
    "@jupyter-widgets/html-manager/dist": managerDist.slice(0, -1),
  },
});
