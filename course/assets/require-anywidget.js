// Loaded after require.js and before the widget manager: the manager asks require.js for a widget's module by
// its name ("anywidget" for gmm_lessons.widgets.MixtureCanvas) and, when that fails, fetches it from a CDN.
// This maps the name onto the copy of the npm anywidget package next to this file, so nothing leaves the machine.
require.config({ paths: { anywidget: new URL("anywidget/dist/index", document.currentScript.src).href } });
