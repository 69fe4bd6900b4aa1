// Sundhedsaftalen i tal: every view is drawn from window.SUNDHEDSDATA (data.js, written from
// the published release) and its selection lives in the address's hash, so a copied address
// is a permalink. Charts are Observable Plot; each has a table alternative and a CSV download.
"use strict";

const D = window.SUNDHEDSDATA;
const L = D.labels;
const AREA = new Map(D.areas.map((a) => [a.code, a]));
const IND = new Map(D.indicators.map((i) => [i.indicator_code, i]));
const MUNICIPALITIES = D.areas.filter((a) => a.level === "municipality");
const SUMMARY_AREAS = D.areas.filter((a) => a.level !== "municipality");
const VALUES = new Map(); // indicator|area -> rows by year
for (const r of D.values) {
  const key = `${r.i}|${r.a}`;
  if (!VALUES.has(key)) VALUES.set(key, []);
  VALUES.get(key).push(r);
}
for (const rows of VALUES.values()) rows.sort((a, b) => a.y - b.y);
const PROGRESS = new Map(D.progress.map((p) => [`${p.i}|${p.a}`, p])); // indicator|area
const VIEWS = {
  overblik: "Overblik",
  profil: "Profil",
  sammenlign: "Sammenlign",
  udvikling: "Udvikling",
  lighed: "Lighed",
  definitioner: "Definitioner",
};
const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000"];

const fmt = (v) => (v === null || v === undefined ? "" : v.toFixed(1).replace(".", ","));
const series = (i, a) => VALUES.get(`${i}|${a}`) || [];
const latest = (i, a) => {
  const rows = series(i, a);
  return rows.length ? rows[rows.length - 1] : null;
};
const years = (i) => [...new Set(D.values.filter((r) => r.i === i).map((r) => r.y))].sort();
const shown = (r) => r && !r.s && r.v !== null;
const valueText = (r) => (!r ? L.no_data : r.s ? L.suppressed : r.v === null ? L.no_data : fmt(r.v));
const intervalText = (r) => (shown(r) && r.lo !== null ? `${fmt(r.lo)}-${fmt(r.hi)}` : "");
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

function readState() {
  const params = new URLSearchParams(location.hash.slice(1));
  const state = Object.fromEntries(params.entries());
  if (!VIEWS[state.vis]) state.vis = "overblik";
  if (!IND.has(state.ind)) state.ind = D.indicators[0].indicator_code;
  if (!AREA.has(state.omr)) state.omr = D.region;
  const chosen = (state.omraader || "").split(",").filter((c) => AREA.has(c));
  state.omraader = chosen.length ? chosen : [D.region, D.country];
  const ys = years(state.ind);
  state.aar = ys.includes(Number(state.aar)) ? Number(state.aar) : ys[ys.length - 1];
  return state;
}

function writeState(state) {
  const params = new URLSearchParams({ vis: state.vis });
  if (state.vis !== "overblik" && state.vis !== "definitioner" && state.vis !== "profil") params.set("ind", state.ind);
  if (state.vis === "profil" || state.vis === "lighed") params.set("omr", state.omr);
  if (state.vis === "sammenlign") params.set("aar", state.aar);
  if (state.vis === "udvikling") params.set("omraader", state.omraader.join(","));
  const hash = `#${params.toString()}`;
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

function control(label, name, options, selected, multiple = false) {
  const id = `valg-${name}`;
  const opts = options
    .map(([value, text]) => {
      const isSelected = multiple ? selected.includes(value) : String(value) === String(selected);
      return `<option value="${esc(value)}"${isSelected ? " selected" : ""}>${esc(text)}</option>`;
    })
    .join("");
  return `<label for="${id}">${esc(label)}<select id="${id}" name="${name}"${multiple ? ` multiple size="6"` : ""}>${opts}</select></label>`;
}

const indicatorOptions = () => D.indicators.map((i) => [i.indicator_code, i.indicator_name_da]);
const areaOptions = (areas) => areas.map((a) => [a.code, a.name]);

function table(headers, rows, caption) {
  const head = headers.map((h) => `<th scope="col">${esc(h)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join("")}</tr>`)
    .join("");
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function csvLink(headers, rows, name) {
  const quote = (c) => {
    const s = String(c ?? "");
    return /[";\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const text = [headers, ...rows].map((r) => r.map(quote).join(";")).join("\n");
  const href = `data:text/csv;charset=utf-8,${encodeURIComponent("\ufeff" + text)}`;
  return `<p class="downloads"><a download="${esc(name)}.csv" href="${href}">Hent tallene som CSV (${esc(name)}.csv)</a></p>`;
}

// A chart is one image to a screen reader, named by its caption; the table beside it holds
// its figures. Plot's labels on its mark groups are dropped, as an image's parts have no names.
function figure(node, caption) {
  const fig = document.createElement("figure");
  const chart = document.createElement("div");
  chart.setAttribute("role", "img");
  chart.setAttribute("aria-label", caption);
  for (const part of node.querySelectorAll("[aria-label], [aria-description]")) {
    part.removeAttribute("aria-label");
    part.removeAttribute("aria-description");
  }
  chart.append(node);
  fig.append(chart);
  const cap = document.createElement("figcaption");
  cap.textContent = caption;
  fig.append(cap);
  return fig;
}

// --- Overblik -----------------------------------------------------------------------------
function overblik(view) {
  const areas = [...SUMMARY_AREAS.filter((a) => a.level !== "country"), ...MUNICIPALITIES, AREA.get(D.country)];
  const head = areas.map((a) => `<th scope="col">${esc(a.name)}</th>`).join("");
  const rows = [];
  const csvRows = [];
  for (const vision of D.visions) {
    rows.push(`<tr><th class="vision" colspan="${areas.length + 2}" scope="colgroup">${esc(vision.vision_name_da)}</th></tr>`);
    for (const objective of D.objectives.filter((o) => o.vision_code === vision.vision_code)) {
      const inds = D.indicators.filter((i) => i.objective_code === objective.objective_code);
      if (!inds.length) continue;
      rows.push(`<tr><th class="objective" colspan="${areas.length + 2}" scope="colgroup">${esc(objective.objective_name_da)}</th></tr>`);
      for (const ind of inds) {
        const cells = areas.map((a) => {
          const r = latest(ind.indicator_code, a.code);
          csvRows.push([ind.indicator_name_da, a.name, r ? r.y : "", valueText(r), intervalText(r), r && r.c ? L.compared[r.c] || r.c : "", r && r.t ? L.trend[r.t] || r.t : ""]);
          const cls = shown(r) && r.c ? `cmp-${r.c}` : "cmp-none";
          const title = r ? `${a.name} ${r.y}: ${valueText(r)}${r.c ? `, ${L.compared[r.c] || r.c}` : ""}${r.t ? `, ${L.trend[r.t] || r.t}` : ""}` : `${a.name}: ${L.no_data}`;
          return `<td class="num ${cls}" title="${esc(title)}">${esc(valueText(r))} ${trendMark(r)}</td>`;
        });
        const y = years(ind.indicator_code);
        rows.push(`<tr><th scope="row"><a href="#vis=udvikling&ind=${ind.indicator_code}">${esc(ind.indicator_name_da)}</a></th><td>${y.length ? y[y.length - 1] : ""}</td>${cells.join("")}</tr>`);
      }
    }
  }
  view.innerHTML =
    `<p class="legend"><span class="cmp-better">${esc(L.compared.better)}</span><span class="cmp-similar">${esc(L.compared.similar)}</span><span class="cmp-worse">${esc(L.compared.worse)}</span> Seneste år; pilene er den seneste udvikling (▲ stigende, ▼ faldende, ● ingen signifikant ændring).</p>` +
    `<div class="overview-wrap"><table class="overview" id="overview"><caption>Seneste tal for hver indikator og hvert område</caption><thead><tr><th scope="col">Indikator</th><th scope="col">År</th>${head}</tr></thead><tbody>${rows.join("")}</tbody></table></div>` +
    csvLink(["Indikator", "Område", "År", "Værdi", "95 %-interval", "Sammenligning", "Udvikling"], csvRows, "overblik");
}

function trendMark(r) {
  if (!shown(r) || !r.t) return "";
  const mark = r.t.startsWith("increasing") ? "▲" : r.t.startsWith("decreasing") ? "▼" : r.t === "no_significant_change" ? "●" : "";
  return mark ? `<span role="img" aria-label="${esc(L.trend[r.t] || r.t)}">${mark}</span>` : "";
}

// --- Profil -------------------------------------------------------------------------------
// The change since the agreement's baseline (mart_objective_progress for the clusters and the
// region, the same rule for the municipalities), with the progress status where one was set.
function changeSinceBaseline(p) {
  if (!p) return "";
  const status = p.st ? L.progress[p.st] || p.st : "";
  if (p.d === null) return status;
  const text = `${p.d >= 0 ? "+" : ""}${fmt(p.d)} point siden udgangspunktet ${p.by} (${fmt(p.bv)})`;
  return status ? `${text}, ${status.charAt(0).toLowerCase()}${status.slice(1)}` : text;
}

function profil(view, state, controls) {
  controls.innerHTML = control("Område", "omr", areaOptions(D.areas.filter((a) => a.level !== "country")), state.omr);
  const area = AREA.get(state.omr);
  const csvRows = [];
  view.innerHTML = `<p>${esc(area.name)}s seneste tal (●) mod regionens (|) og spændet mellem regionens ${MUNICIPALITIES.length} kommuner (grå bjælke).</p><div id="profile"></div>`;
  const holder = view.querySelector("#profile");
  for (const ind of D.indicators) {
    const r = latest(ind.indicator_code, area.code);
    const region = r ? series(ind.indicator_code, D.region).find((x) => x.y === r.y) : null;
    const muni = r ? MUNICIPALITIES.map((m) => series(ind.indicator_code, m.code).find((x) => x.y === r.y)).filter(shown) : [];
    const change = changeSinceBaseline(PROGRESS.get(`${ind.indicator_code}|${area.code}`));
    csvRows.push([ind.indicator_name_da, r ? r.y : "", valueText(r), intervalText(r), region ? valueText(region) : "", muni.length ? fmt(Math.min(...muni.map((m) => m.v))) : "", muni.length ? fmt(Math.max(...muni.map((m) => m.v))) : "", change]);
    const row = document.createElement("div");
    row.className = "profile-row";
    row.innerHTML = `<div><strong>${esc(ind.indicator_name_da)}</strong><br><span class="note">${r ? r.y : ""}: ${esc(valueText(r))} ${esc(intervalText(r) ? `(${intervalText(r)})` : "")}${change ? `; ${esc(change)}` : ""}${r && r.n ? `; ${esc(r.n)}` : ""}</span></div>`;
    if (shown(r) && muni.length) {
      const marks = [
        Plot.ruleY([0], { x1: Math.min(...muni.map((m) => m.v)), x2: Math.max(...muni.map((m) => m.v)), stroke: "#bbb", strokeWidth: 10 }),
        shown(region) ? Plot.tickX([region.v], { stroke: "#0072B2", strokeWidth: 3 }) : null,
        r.lo !== null ? Plot.ruleY([0], { x1: r.lo, x2: r.hi, stroke: "#1a1a1a" }) : null,
        Plot.dot([r.v], { x: (d) => d, fill: "#D55E00", r: 5 }),
      ].filter(Boolean);
      const plot = Plot.plot({ height: 44, width: 460, marginLeft: 10, marginRight: 20, y: { axis: null }, x: { label: null, grid: false }, marks });
      row.append(figure(plot, `${ind.indicator_name_da}: ${area.name} ${fmt(r.v)}, regionen ${shown(region) ? fmt(region.v) : L.no_data}`));
    }
    holder.append(row);
  }
  const headers = ["Indikator", "År", "Værdi", "95 %-interval", "Regionen", "Laveste kommune", "Højeste kommune", "Siden aftalens udgangspunkt"];
  view.insertAdjacentHTML("beforeend", `<details><summary>Tabel</summary>${table(headers, csvRows, `Profil for ${area.name}`)}</details>` + csvLink(headers, csvRows, `profil_${area.code}`));
}

// --- Sammenlign ---------------------------------------------------------------------------
function sammenlign(view, state, controls) {
  controls.innerHTML =
    control("Indikator", "ind", indicatorOptions(), state.ind) +
    control("År", "aar", years(state.ind).map((y) => [y, y]), state.aar);
  const ind = IND.get(state.ind);
  const rows = D.areas
    .map((a) => ({ area: a, r: series(ind.indicator_code, a.code).find((x) => x.y === state.aar) }))
    .filter((x) => x.r);
  const drawn = rows.filter((x) => shown(x.r)).sort((a, b) => b.r.v - a.r.v);
  const caption = `${ind.indicator_name_da} ${state.aar}, sorteret, med 95 %-intervaller`;
  const plot = Plot.plot({
    marginLeft: 170,
    height: 24 * drawn.length + 40,
    width: 760,
    x: { label: `${ind.unit || "%"}`, grid: true },
    y: { label: null, domain: drawn.map((x) => x.area.name) },
    marks: [
      Plot.ruleY(drawn.filter((x) => x.r.lo !== null), { y: (x) => x.area.name, x1: (x) => x.r.lo, x2: (x) => x.r.hi, stroke: "#555" }),
      Plot.dot(drawn, { y: (x) => x.area.name, x: (x) => x.r.v, fill: (x) => (x.area.level === "municipality" ? "#56B4E9" : "#0072B2"), r: 4 }),
    ],
  });
  view.innerHTML = "";
  view.append(figure(plot, caption));
  const funnel = drawn.filter((x) => x.area.level === "municipality" && x.r.f && x.r.fn);
  if (funnel.length) {
    const regionRow = series(ind.indicator_code, D.region).find((x) => x.y === state.aar);
    const byN = [...funnel].sort((a, b) => a.r.fn - b.r.fn);
    const fplot = Plot.plot({
      width: 760,
      height: 320,
      x: { label: "Antal (effektivt n)", type: "log" },
      y: { label: ind.unit || "%", grid: true },
      marks: [
        ...[0, 1, 2, 3].map((k) =>
          Plot.line(byN, { x: (x) => x.r.fn, y: (x) => x.r.f[k], stroke: k % 3 ? "#E69F00" : "#D55E00", strokeDasharray: k % 3 ? "" : "5 3" })
        ),
        shown(regionRow) ? Plot.ruleY([regionRow.v], { stroke: "#0072B2" }) : null,
        Plot.dot(funnel, { x: (x) => x.r.fn, y: (x) => x.r.v, fill: "#1a1a1a", title: (x) => x.area.name }),
      ].filter(Boolean),
    });
    view.append(figure(fplot, `Tragtdiagram: regionens kommuner om regionens værdi, 95 %- og 99,8 %-grænser ved hver kommunes n`));
  }
  const headers = ["Område", "Værdi", "95 %-interval", "Sammenligning", "Placering i tragten", "Note"];
  const csvRows = rows.map((x) => [x.area.name, valueText(x.r), intervalText(x.r), x.r.c ? L.compared[x.r.c] || x.r.c : "", x.r.fp ? L.funnel[x.r.fp] || x.r.fp : "", x.r.n || ""]);
  view.insertAdjacentHTML("beforeend", `<details><summary>Tabel</summary>${table(headers, csvRows, caption)}</details>` + csvLink(headers, csvRows, `sammenlign_${ind.indicator_code}_${state.aar}`));
}

// --- Udvikling ----------------------------------------------------------------------------
function udvikling(view, state, controls) {
  controls.innerHTML =
    control("Indikator", "ind", indicatorOptions(), state.ind) +
    control("Områder (vælg flere med Ctrl)", "omraader", areaOptions(D.areas), state.omraader, true);
  const ind = IND.get(state.ind);
  const points = state.omraader.flatMap((code) => series(ind.indicator_code, code).filter(shown).map((r) => ({ ...r, name: AREA.get(code).name })));
  const breaks = [...new Set(D.values.filter((r) => r.i === ind.indicator_code && r.b).map((r) => r.y))];
  const targets = D.progress.filter((p) => p.i === ind.indicator_code && state.omraader.includes(p.a) && p.tv !== null);
  const caption = `${ind.indicator_name_da}: udviklingen med 95 %-intervaller${breaks.length ? `; databrud i ${breaks.join(", ")}` : ""}`;
  const plot = Plot.plot({
    width: 760,
    height: 360,
    x: { label: "År", tickFormat: "d" },
    y: { label: ind.unit || "%", grid: true },
    color: { legend: true, domain: state.omraader.map((c) => AREA.get(c).name), range: COLOURS },
    marks: [
      Plot.ruleX(breaks, { stroke: "#999", strokeDasharray: "4 3" }),
      Plot.ruleY(targets, { y: "tv", stroke: "#009E73", strokeDasharray: "2 2" }),
      Plot.ruleX(points.filter((p) => p.lo !== null), { x: "y", y1: "lo", y2: "hi", stroke: "name", strokeOpacity: 0.5 }),
      Plot.line(points, { x: "y", y: "v", z: (p) => `${p.name}|${p.sn}`, stroke: "name" }),
      Plot.dot(points, { x: "y", y: "v", fill: "name", title: (p) => `${p.name} ${p.y}: ${fmt(p.v)}` }),
    ],
  });
  view.innerHTML = "";
  view.append(figure(plot, caption));
  const baselines = D.progress.filter((p) => p.i === ind.indicator_code && state.omraader.includes(p.a));
  if (baselines.length) {
    view.insertAdjacentHTML("beforeend", `<p class="note">${baselines.map((p) => `${esc(AREA.get(p.a).name)}: udgangspunkt ${p.by ?? ""} ${fmt(p.bv)}, seneste ${p.ly ?? ""} ${fmt(p.lv)}${p.st ? ` (${esc(L.progress[p.st] || p.st)})` : ""}${p.tv !== null ? `, mål ${fmt(p.tv)}` : ""}`).join("; ")}</p>`);
  }
  const headers = ["Område", "År", "Værdi", "95 %-interval", "Databrud", "Note"];
  const csvRows = state.omraader.flatMap((code) => series(ind.indicator_code, code).map((r) => [AREA.get(code).name, r.y, valueText(r), intervalText(r), r.b ? "ja" : "", r.n || ""]));
  view.insertAdjacentHTML("beforeend", `<details><summary>Tabel</summary>${table(headers, csvRows, caption)}</details>` + csvLink(headers, csvRows, `udvikling_${ind.indicator_code}`));
}

// --- Lighed -------------------------------------------------------------------------------
function lighed(view, state, controls) {
  const withGroups = D.indicators.filter((i) => D.education.some((e) => e.i === i.indicator_code));
  const ind = withGroups.find((i) => i.indicator_code === state.ind) || withGroups[0];
  state.ind = ind.indicator_code;
  const areas = SUMMARY_AREAS;
  if (!areas.some((a) => a.code === state.omr)) state.omr = D.region;
  controls.innerHTML =
    control("Indikator", "ind", withGroups.map((i) => [i.indicator_code, i.indicator_name_da]), state.ind) +
    control("Område", "omr", areaOptions(areas), state.omr);
  const rows = D.education.filter((e) => e.i === ind.indicator_code && e.a === state.omr);
  const last = Math.max(...rows.map((e) => e.y));
  const groups = rows.filter((e) => e.y === last);
  const caption = `${ind.indicator_name_da} efter uddannelse, ${AREA.get(state.omr).name} ${last}`;
  const bars = Plot.plot({
    width: 760,
    height: 260,
    marginBottom: 60,
    x: { label: null, domain: groups.map((g) => g.g), tickRotate: -15 },
    y: { label: ind.unit || "%", grid: true },
    marks: [
      Plot.barY(groups.filter(shown), { x: "g", y: "v", fill: "#0072B2" }),
      Plot.ruleX(groups.filter((g) => shown(g) && g.lo !== null), { x: "g", y1: "lo", y2: "hi", stroke: "#1a1a1a" }),
    ],
  });
  view.innerHTML = "";
  view.append(figure(bars, caption));
  const sii = D.inequality.filter((q) => q.i === ind.indicator_code && q.a === state.omr && q.v !== null);
  if (sii.length) {
    const line = Plot.plot({
      width: 760,
      height: 240,
      x: { label: "År", tickFormat: "d" },
      y: { label: "SII (procentpoint)", grid: true },
      marks: [
        Plot.ruleY([0]),
        Plot.ruleX(sii.filter((q) => q.lo !== null), { x: "y", y1: "lo", y2: "hi", stroke: "#555" }),
        Plot.line(sii, { x: "y", y: "v", stroke: "#D55E00" }),
        Plot.dot(sii, { x: "y", y: "v", fill: "#D55E00" }),
      ],
    });
    view.append(figure(line, `Hældningsindekset for ulighed (SII) over tid, ${AREA.get(state.omr).name}`));
  } else {
    view.insertAdjacentHTML("beforeend", `<p>Hældningsindekset for ulighed (SII) kan ikke beregnes for ${esc(AREA.get(state.omr).name)} eller er diskretioneret: det hviler på uddannelsesgrupper uden offentliggjort tal.</p>`);
  }
  const headers = ["Uddannelse", "År", "Værdi", "95 %-interval"];
  const csvRows = rows.map((e) => [e.g, e.y, valueText(e), intervalText(e)]);
  const siiRows = sii.map((q) => ["SII", q.y, fmt(q.v), q.lo !== null ? `${fmt(q.lo)}-${fmt(q.hi)}` : ""]);
  view.insertAdjacentHTML("beforeend", `<details><summary>Tabel</summary>${table(headers, [...csvRows, ...siiRows], caption)}</details>` + csvLink(headers, [...csvRows, ...siiRows], `lighed_${ind.indicator_code}_${state.omr}`));
}

// --- Definitioner -------------------------------------------------------------------------
function definitioner(view) {
  const headers = ["Indikator", "Definition", "Tæller", "Nævner", "Mål", "Retning", "Kilde", "Alder", "Databrud fra", "Forbehold"];
  const objective = new Map(D.objectives.map((o) => [o.objective_code, o.objective_name_da]));
  const rows = D.indicators.map((i) => [
    i.indicator_name_da,
    i.definition_da,
    i.numerator_da,
    i.denominator_da,
    objective.get(i.objective_code) || "",
    L.direction[i.direction] || i.direction,
    i.source_da || i.source_code,
    i.age_min !== null ? `${i.age_min}${i.age_max !== null ? `-${i.age_max}` : "+"} år` : "",
    i.first_series_break_year ?? "",
    i.caveats_da || "",
  ]);
  view.innerHTML = table(headers, rows, "Indikatorkatalog") + csvLink(headers, rows, "definitioner");
}

const DRAW = { overblik, profil, sammenlign, udvikling, lighed, definitioner };

function render() {
  const state = readState();
  const controls = document.getElementById("controls");
  const view = document.getElementById("view");
  controls.innerHTML = "";
  document.getElementById("view-title").textContent = VIEWS[state.vis];
  document.title = `${VIEWS[state.vis]} - Sundhedsaftalen i tal`;
  for (const link of document.querySelectorAll("#views a")) {
    if (link.dataset.view === state.vis) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  DRAW[state.vis](view, state, controls);
  writeState(state);
  document.body.dataset.ready = state.vis;
}

document.getElementById("controls").addEventListener("change", (event) => {
  const state = readState();
  const select = event.target;
  state[select.name] = select.multiple ? [...select.selectedOptions].map((o) => o.value) : select.value;
  if (select.name === "ind") state.aar = undefined;
  writeState(state);
  render();
});
window.addEventListener("hashchange", render);
document.getElementById("published").textContent = `Offentliggjort ${D.published_at}.`;
document.getElementById("synthetic-banner").hidden = !D.synthetic;
render();
