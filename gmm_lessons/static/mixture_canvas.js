// The front end of the anywidgets of gmm_lessons.widgets (MixtureCanvas and its subclass per explorer, whose
// `kind` says which of EXPLORERS below draws it): a slider figure that computes and draws each state in the
// browser, so a slider moves it with no kernel round trip, and with no kernel at all.
//
// The kernel ships the figure's static part as a PNG (axes, ticks, title, a precomputed surface) and, for
// every axes, where its data limits fall on that PNG; this module draws the moving parts on top, in the
// figure's pixels, with matplotlib's sizes (points of 1/72 inch at the figure's dpi), and writes the caption.
// Every draw bumps `data-draws` on the widget's element and leaves the numbers it computed on the canvas
// element's `gmmState` property, so a test can compare them with the Python package.
//
// The mathematics is the package's, for 2 features: log N(x | mu, Sigma) through the Cholesky factor
// (Bishop 2.43), responsibilities with log-sum-exp (9.23), the M-step (9.24-9.27, with reg_covar on the
// diagonal), the log-likelihood (9.28), and ancestral sampling x = mu_z + L_z eps (lesson 01).

const LOG_2PI = Math.log(2 * Math.PI);

// ---------------------------------------------------------------- 2 x 2 mathematics

/** The Cholesky factor [[a, 0], [b, c]] of a 2 x 2 covariance [[s11, s12], [s12, s22]]. */
function cholesky(cov) {
  const a = Math.sqrt(cov[0][0]);
  const b = cov[0][1] / a;
  return [a, b, Math.sqrt(cov[1][1] - b * b)];
}

/** log pi_k + log N(x_n | mu_k, Sigma_k) for every n (rows) and k (columns), Bishop (2.43). */
function weightedLogDensities(X, weights, means, covariances) {
  const factors = covariances.map(cholesky);
  return X.map(([x1, x2]) => means.map((mean, k) => {
    const [a, b, c] = factors[k];
    const z1 = (x1 - mean[0]) / a;
    const z2 = (x2 - mean[1] - b * z1) / c;
    return Math.log(weights[k]) - 0.5 * (z1 * z1 + z2 * z2) - Math.log(a) - Math.log(c) - LOG_2PI;
  }));
}

function logSumExp(row) {
  const top = Math.max(...row);
  if (!Number.isFinite(top)) return top;
  let sum = 0;
  for (const value of row) sum += Math.exp(value - top);
  return top + Math.log(sum);
}

/** Responsibilities gamma(z_nk) (Bishop 9.23) and ln p(X) (9.28), in log space. */
function eStep(X, weights, means, covariances) {
  let logLikelihood = 0;
  const responsibilities = weightedLogDensities(X, weights, means, covariances).map((row) => {
    const norm = logSumExp(row);
    logLikelihood += norm;
    return row.map((value) => Math.exp(value - norm));
  });
  return { responsibilities, logLikelihood };
}

/** The M-step (Bishop 9.24-9.27): new weights, means and full covariances, reg_covar added to the diagonal. */
function mStep(X, responsibilities, regCovar) {
  const K = responsibilities[0].length;
  const weights = [], means = [], covariances = [];
  for (let k = 0; k < K; k++) {
    let Nk = 0, s1 = 0, s2 = 0;
    X.forEach(([x1, x2], n) => { const r = responsibilities[n][k]; Nk += r; s1 += r * x1; s2 += r * x2; });
    const m1 = s1 / Nk, m2 = s2 / Nk;
    let c11 = 0, c12 = 0, c22 = 0;
    X.forEach(([x1, x2], n) => {
      const r = responsibilities[n][k], d1 = x1 - m1, d2 = x2 - m2;
      c11 += r * d1 * d1; c12 += r * d1 * d2; c22 += r * d2 * d2;
    });
    weights.push(Nk / X.length);
    means.push([m1, m2]);
    covariances.push([[c11 / Nk + regCovar, c12 / Nk], [c12 / Nk, c22 / Nk + regCovar]]);
  }
  return { weights, means, covariances };
}

/** Which component each uniform picks (the first whose cumulative weight exceeds it), as numpy's searchsorted. */
function pickComponents(uniforms, weights) {
  const cumulative = [];
  weights.reduce((sum, w) => { cumulative.push(sum + w); return sum + w; }, 0);
  return uniforms.map((u) => {
    let k = 0;
    while (k < weights.length - 1 && cumulative[k] <= u) k++;
    return k;
  });
}

function argmaxCounts(responsibilities, K) {
  const counts = new Array(K).fill(0);
  for (const row of responsibilities) counts[row.indexOf(Math.max(...row))] += 1;
  return counts;
}

// ---------------------------------------------------------------- drawing, in the figure's pixels

function hexToRgb(hex) {
  const value = parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** Maps data coordinates of one axes onto the canvas: box = [left, top, right, bottom] pixels, limits. */
function axesMapping({ box, xlim, ylim }) {
  const [left, top, right, bottom] = box;
  return {
    box,
    x: (v) => left + ((v - xlim[0]) / (xlim[1] - xlim[0])) * (right - left),
    y: (v) => bottom - ((v - ylim[0]) / (ylim[1] - ylim[0])) * (bottom - top),
    sx: (right - left) / (xlim[1] - xlim[0]),
    sy: (bottom - top) / (ylim[1] - ylim[0]),
  };
}

function clipTo(ctx, map) {
  const [left, top, right, bottom] = map.box;
  ctx.beginPath();
  ctx.rect(left, top, right - left, bottom - top);
  ctx.clip();
}

function drawPoints(ctx, map, X, colours, radius) {
  for (let n = 0; n < X.length; n++) {
    ctx.fillStyle = colours[n];
    ctx.beginPath();
    ctx.arc(map.x(X[n][0]), map.y(X[n][1]), radius, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** The n_std ellipse of each component (its axes along the covariance's eigenvectors), as plotting.plot_ellipses. */
function drawEllipses(ctx, map, means, covariances, colours, nStds, px, dashed) {
  means.forEach((mean, k) => {
    const [[s11, s12], [, s22]] = covariances[k];
    const half = (s11 + s22) / 2, root = Math.sqrt(((s11 - s22) / 2) ** 2 + s12 * s12);
    const major = Math.sqrt(Math.max(half + root, 0)), minor = Math.sqrt(Math.max(half - root, 0));
    const angle = Math.abs(s12) < 1e-300 ? (s11 >= s22 ? 0 : Math.PI / 2) : Math.atan2(half + root - s11, s12);
    for (const nStd of nStds) {
      const width = (2.0 - 0.4 * nStd) * px;
      ctx.save();
      ctx.strokeStyle = colours[k];
      ctx.lineWidth = width;
      ctx.setLineDash(dashed ? [3.7 * width, 1.6 * width] : []);
      ctx.beginPath();
      // Data units differ per axis: trace the ellipse in data space, then map each point.
      for (let step = 0; step <= 96; step++) {
        const t = (2 * Math.PI * step) / 96;
        const u = nStd * major * Math.cos(t), v = nStd * minor * Math.sin(t);
        const x = mean[0] + u * Math.cos(angle) - v * Math.sin(angle);
        const y = mean[1] + u * Math.sin(angle) + v * Math.cos(angle);
        if (step === 0) ctx.moveTo(map.x(x), map.y(y)); else ctx.lineTo(map.x(x), map.y(y));
      }
      ctx.stroke();
      ctx.restore();
    }
  });
}

// Marker outlines on a unit square centred at 0 (matplotlib's filled markers of plotting.COMPONENT_MARKERS).
const MARKERS = {
  X: [[-0.5, -0.25], [-0.25, -0.5], [0, -0.25], [0.25, -0.5], [0.5, -0.25], [0.25, 0], [0.5, 0.25], [0.25, 0.5],
    [0, 0.25], [-0.25, 0.5], [-0.5, 0.25], [-0.25, 0]],
  P: [[-1 / 6, -0.5], [1 / 6, -0.5], [1 / 6, -1 / 6], [0.5, -1 / 6], [0.5, 1 / 6], [1 / 6, 1 / 6], [1 / 6, 0.5],
    [-1 / 6, 0.5], [-1 / 6, 1 / 6], [-0.5, 1 / 6], [-0.5, -1 / 6], [-1 / 6, -1 / 6]],
  D: [[0, -0.5], [0.5, 0], [0, 0.5], [-0.5, 0]],
  s: [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]],
  "^": [[0, -0.5], [0.5, 0.5], [-0.5, 0.5]],
  v: [[0, 0.5], [0.5, -0.5], [-0.5, -0.5]],
};

function drawMarker(ctx, x, y, marker, size, fill, edge, edgeWidth) {
  ctx.save();
  ctx.fillStyle = fill;
  ctx.strokeStyle = edge;
  ctx.lineWidth = edgeWidth;
  ctx.lineJoin = "miter";
  ctx.beginPath();
  const outline = MARKERS[marker];
  if (outline) {
    outline.forEach(([u, v], i) => (i ? ctx.lineTo(x + u * size, y + v * size) : ctx.moveTo(x + u * size, y + v * size)));
    ctx.closePath();
  } else {
    ctx.arc(x, y, size / 2, 0, 2 * Math.PI);  // "o" and any other shape
  }
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}

function drawMeans(ctx, map, means, style) {
  means.forEach((mean, k) => drawMarker(ctx, map.x(mean[0]), map.y(mean[1]), style.markers[k],
    style.mean_size_px, style.colours[k], "white", style.mean_edge_px));
}

/** Each point's colour: the component colours blended by its responsibilities (plotting.responsibility_colours). */
function blendedColours(responsibilities, palette, alpha) {
  return responsibilities.map((row) => {
    const rgb = [0, 0, 0];
    row.forEach((r, k) => { for (let c = 0; c < 3; c++) rgb[c] += r * palette[k][c]; });
    return `rgba(${rgb.map(Math.round).join(",")},${alpha})`;
  });
}

function countCaption(counts, colours) {
  return counts.map((count, k) => `<span style="color:${colours[k]}">■</span> ${count}`).join(" · ");
}

function moved(means, component, mean) {
  return means.map((row, k) => (k === component ? mean : row.slice()));
}

// ---------------------------------------------------------------- the explorers

const EXPLORERS = {
  /** Lesson 03: one mean moved, points coloured by their responsibilities. */
  responsibility(model, ctx, maps, style) {
    const X = model.get("X"), weights = model.get("weights"), covariances = model.get("covariances");
    const means = moved(model.get("means"), model.get("component"), [model.get("mean_x1"), model.get("mean_x2")]);
    const { responsibilities } = eStep(X, weights, means, covariances);
    const [map] = maps;
    drawPoints(ctx, map, X, blendedColours(responsibilities, style.palette, style.point_alpha), style.point_radius_px);
    drawEllipses(ctx, map, means, covariances, style.colours, style.n_stds, style.px, false);
    drawMeans(ctx, map, means, style);
    const counts = argmaxCounts(responsibilities, means.length);
    return {
      caption: `points per component (largest responsibility): ${countCaption(counts, style.colours)}`,
      state: { means, responsibilities, counts },
    };
  },

  /** Lesson 04: one E-step from the moved mean, then the M-step; dashed = before, solid = after. */
  em_step(model, ctx, maps, style) {
    const X = model.get("X"), weights = model.get("weights"), covariances = model.get("covariances");
    const means = moved(model.get("means"), model.get("component"), [model.get("mean_x1"), model.get("mean_x2")]);
    const { responsibilities } = eStep(X, weights, means, covariances);
    const after = mStep(X, responsibilities, model.get("reg_covar"));
    const [map] = maps;
    drawPoints(ctx, map, X, blendedColours(responsibilities, style.palette, style.point_alpha), style.point_radius_px);
    drawEllipses(ctx, map, means, covariances, style.colours, style.n_stds, style.px, true);
    drawEllipses(ctx, map, after.means, after.covariances, style.colours, style.n_stds, style.px, false);
    drawMeans(ctx, map, after.means, style);
    const shift = after.means.map((mean, k) => Math.hypot(mean[0] - means[k][0], mean[1] - means[k][1]));
    return {
      caption: "new weights π: " + after.weights.map((w) => w.toFixed(2)).join(", ")
        + " · how far each mean moved: " + shift.map((s) => s.toFixed(2)).join(", "),
      state: { means, responsibilities, after, shift },
    };
  },

  /** Lesson 02: the log-likelihood of the moved mean; its marker on the precomputed surface (second axes). */
  likelihood(model, ctx, maps, style) {
    const X = model.get("X"), weights = model.get("weights"), covariances = model.get("covariances");
    const component = model.get("component");
    const mean = [model.get("mean_x1"), model.get("mean_x2")];
    const means = moved(model.get("means"), component, mean);
    const { logLikelihood } = eStep(X, weights, means, covariances);
    const [data, surface] = maps;
    ctx.save();
    clipTo(ctx, data);
    drawEllipses(ctx, data, means, covariances, style.colours, style.n_stds, style.px, false);
    drawMeans(ctx, data, means, style);
    ctx.restore();
    ctx.save();
    clipTo(ctx, surface);
    drawMarker(ctx, surface.x(mean[0]), surface.y(mean[1]), "X", style.where_size_px, style.colours[component],
      "white", style.mean_edge_px);
    ctx.restore();
    return {
      caption: `log-likelihood ln p(X) = <b>${logLikelihood.toFixed(2)}</b> `
        + `(best on this grid: ${model.get("best_log_likelihood").toFixed(2)})`,
      state: { means, logLikelihood },
    };
  },

  /** Lessons 00 and 01: the fixed uniforms and standard-normal draws turned into samples of the slid mixture. */
  sampling(model, ctx, maps, style) {
    const base = model.get("weights"), means = model.get("means").map((m) => m.slice());
    const covariances = model.get("covariances").map((c) => c.map((row) => row.slice()));
    const weight1 = model.get("weight_1");
    const rest = base.slice(1).reduce((a, b) => a + b, 0);
    const weights = base.map((w, k) => (k === 0 ? weight1 : ((1 - weight1) * w) / rest));
    means[1] = [model.get("mean_2_x1"), model.get("mean_2_x2")];
    const [sd1, sd2] = model.get("stds_2").map((s) => s * model.get("spread_2"));
    const rho = model.get("correlation_2");
    covariances[1] = [[sd1 * sd1, rho * sd1 * sd2], [rho * sd1 * sd2, sd2 * sd2]];
    const labels = pickComponents(model.get("uniforms"), weights);
    const factors = covariances.map(cholesky);
    const samples = model.get("standard_normal").map(([e1, e2], n) => {
      const [a, b, c] = factors[labels[n]], mean = means[labels[n]];
      return [mean[0] + a * e1, mean[1] + b * e1 + c * e2];
    });
    const [map] = maps;
    drawPoints(ctx, map, samples, labels.map((k) => style.colours[k]), style.point_radius_px);
    drawEllipses(ctx, map, means, covariances, style.colours, style.n_stds, style.px, false);
    const counts = new Array(weights.length).fill(0);
    for (const k of labels) counts[k] += 1;
    return {
      caption: "samples per component: " + countCaption(counts, style.colours),
      state: { weights, means, covariances, labels, samples, counts },
    };
  },
};

const SLIDER_TRAITS = {
  responsibility: ["mean_x1", "mean_x2"],
  em_step: ["mean_x1", "mean_x2"],
  likelihood: ["mean_x1", "mean_x2"],
  sampling: ["weight_1", "mean_2_x1", "mean_2_x2", "spread_2", "correlation_2"],
};

async function render({ model, el }) {
  const kind = model.get("kind");
  const explorer = EXPLORERS[kind];
  const style = { ...model.get("appearance") };
  style.palette = style.colours.map(hexToRgb);
  const [width, height] = model.get("size");
  const caption = document.createElement("div");
  caption.className = "gmm-canvas-caption";
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.setAttribute("role", "img");
  canvas.style.maxWidth = "100%";  // a narrow page or a slide shrinks the figure as it would an image
  canvas.style.height = "auto";
  el.append(caption, canvas);
  const background = new Image();
  background.src = model.get("background");
  await background.decode();
  const ctx = canvas.getContext("2d");
  const maps = model.get("axes").map(axesMapping);
  let draws = 0;

  const draw = () => {
    ctx.drawImage(background, 0, 0);
    ctx.save();
    // Drawing stays inside the axes, as matplotlib clips its artists; an explorer of two axes clips itself.
    if (maps.length === 1) clipTo(ctx, maps[0]);
    const { caption: text, state } = explorer(model, ctx, maps, style);
    ctx.restore();
    caption.innerHTML = text;
    canvas.setAttribute("aria-label", `${model.get("title")}: ${caption.textContent}`);
    canvas.gmmState = { ...state, values: Object.fromEntries(SLIDER_TRAITS[kind].map((name) => [name, model.get(name)])) };
    el.dataset.draws = String(++draws);
  };
  // Draw at once (a draw takes a millisecond or two): the next frame the browser paints shows the new state.
  // Waiting for requestAnimationFrame instead would put the new state one frame later.
  for (const name of SLIDER_TRAITS[kind]) model.on(`change:${name}`, draw);
  draw();
  return () => {
    for (const name of SLIDER_TRAITS[kind]) model.off(`change:${name}`, draw);
  };
}

export default { render };
