// Career Advisor operators' page: the library, the gaps, re-indexing. Plain JavaScript, no
// build step; nothing from the server is parsed as HTML (every node is built as text).
import { element } from "./render.js";

const TOKEN_KEY = "career-advisor.admin-token"; // sessionStorage: this tab only
const ENABLED = document.body.dataset.adminEnabled === "true";
const $ = (id) => document.getElementById(id);

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

// Every call carries the admin token; a refusal clears it and says why.
async function call(path, options = {}) {
  const headers = { authorization: `Bearer ${token() || ""}`, ...(options.headers || {}) };
  const response = await fetch(path, { ...options, headers });
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (response.status === 401 || response.status === 403 || response.status === 429) {
    refused(response.status, body);
    return null;
  }
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

function refused(status, body) {
  sessionStorage.removeItem(TOKEN_KEY);
  $("panels").hidden = true;
  const line = $("token-status");
  line.className = "key-status error";
  if (status === 401) line.textContent = "That admin token was not accepted. Check it and enter it again.";
  else if (status === 403) line.textContent = "The admin API is disabled on this server: set ADVISOR_ADMIN_TOKEN and restart it.";
  else line.textContent = `${body.error || "Too many attempts"}: wait a minute, then try again.`;
  $("admin-token").focus();
}

// ---------------------------------------------------------------- library

function cell(text, className) {
  const td = element("td", text === undefined ? undefined : String(text));
  if (className) td.className = className;
  return td;
}

function articleCell(entry) {
  const td = element("td");
  const title = element("strong", entry.title);
  td.append(title);
  if (entry.stale) {
    const badge = element("span", "stale");
    badge.className = "stale-badge";
    td.append(badge);
  }
  const by = entry.authors.length ? entry.authors.join(", ") : "no author";
  td.append(element("div", `${by} · ${entry.source}`));
  if (entry.flagged_passages.length) {
    const ul = element("ul");
    for (const flag of entry.flagged_passages) {
      ul.append(element("li", `flagged${flag.section ? ` (${flag.section})` : ""}: ${flag.reason}: “${flag.excerpt}”`));
    }
    td.append(ul);
  }
  return td;
}

function warningsCell(entry) {
  if (!entry.warnings.length) return cell("none");
  const td = element("td");
  const ul = element("ul");
  for (const warning of entry.warnings) ul.append(element("li", warning));
  td.append(ul);
  return td;
}

function showLibrary(entries) {
  const rows = entries.map((entry) => {
    const tr = element("tr");
    tr.className = entry.stale ? "stale" : "";
    tr.append(cell(entry.date || "undated"), articleCell(entry));
    for (const key of ["chunks", "salary_facts", "lists", "tables", "plans", "flagged"]) {
      tr.append(cell(entry[key], "number"));
    }
    tr.append(warningsCell(entry));
    return tr;
  });
  $("library").querySelector("tbody").replaceChildren(...rows);
  const stale = entries.filter((e) => e.stale).length;
  $("library-summary").textContent = `${entries.length} articles, ${stale} stale (too old, or undated).`;
}

async function loadLibrary() {
  const entries = await call("/api/admin/library");
  if (entries) showLibrary(entries);
  return entries !== null;
}

// ---------------------------------------------------------------- gaps

const REASONS = { refused: "refused", not_covered: "not covered", not_helpful: "voted not helpful" };

function showGaps(gaps) {
  const items = gaps.map((gap) => {
    const li = element("li");
    const reasons = Object.entries(gap.reasons).filter(([, n]) => n).map(([k, n]) => `${n} ${REASONS[k] || k}`);
    li.append(element("p", `${gap.count} question${gap.count === 1 ? "" : "s"}: ${reasons.join(", ")}`));
    const ul = element("ul");
    for (const example of gap.examples) ul.append(element("li", example));
    li.append(ul);
    return li;
  });
  $("gaps").replaceChildren(...items);
  $("gaps-summary").textContent = gaps.length
    ? `${gaps.reduce((sum, g) => sum + g.count, 0)} failed questions in ${gaps.length} groups, largest first.`
    : "No question was refused, answered “not covered” or voted not helpful.";
}

async function loadGaps() {
  const since = $("since").value;
  $("gaps-summary").textContent = "Grouping the questions…";
  const gaps = await call(`/api/admin/gaps${since ? `?since=${encodeURIComponent(since)}` : ""}`);
  if (gaps) showGaps(gaps);
}

// ---------------------------------------------------------------- re-index

async function reindex() {
  const button = $("reindex");
  const progress = $("reindex-progress");
  const started = Date.now();
  button.disabled = true;
  progress.hidden = false;
  const status = $("reindex-status");
  const tick = () => (status.textContent = `Re-indexing… ${Math.round((Date.now() - started) / 1000)} s`);
  tick();
  const timer = setInterval(tick, 1000);
  try {
    const report = await call("/api/reindex", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ full: $("full").checked }),
    });
    if (report) {
      status.textContent =
        `Done in ${report.seconds.toFixed(1)} s: ${report.documents} articles, ${report.chunks} chunks ` +
        `(added ${report.added}, changed ${report.changed}, removed ${report.removed}, ` +
        `unchanged ${report.unchanged}); version ${report.version}.`;
      await loadLibrary();
    }
  } catch (error) {
    status.textContent = `Re-indexing failed: ${error.message}`;
  } finally {
    clearInterval(timer);
    progress.hidden = true;
    button.disabled = false;
  }
}

// ---------------------------------------------------------------- wiring

async function open() {
  if (!token()) return;
  try {
    if (!(await loadLibrary())) return;
  } catch (error) {
    $("token-status").textContent = `The library could not be read: ${error.message}`;
    return;
  }
  $("token-status").className = "key-status";
  $("token-status").textContent = "Token accepted; kept for this tab only.";
  $("panels").hidden = false;
  await loadGaps();
}

function start() {
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("admin-token").value.trim();
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
    open();
  });
  $("gaps-form").addEventListener("submit", (event) => {
    event.preventDefault();
    loadGaps();
  });
  $("reindex-form").addEventListener("submit", (event) => {
    event.preventDefault();
    reindex();
  });
  if (!ENABLED) return;
  if (token()) {
    $("admin-token").value = token();
    open();
  } else {
    $("admin-token").focus();
  }
}

// Modules run after the document is parsed.
start();
