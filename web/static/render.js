// Rendering an ANSWER as DOM nodes. Nothing from the server is ever parsed as HTML: text
// becomes text nodes; markdown, tables, steps, the salary chart (SVG) and source cards are
// built with createElement.

const SVG = "http://www.w3.org/2000/svg";
const INLINE = /(\*\*[^*\n]+\*\*|\*[^*\n]+\*|`[^`\n]+`|\[\d+\]|\[[^\]\n]+\]\([^)\s]+\))/g;

export function element(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

// ---------------------------------------------------------------- safe markdown

export function inline(text, citations, onCite) {
  const fragment = document.createDocumentFragment();
  const quoted = quotedMarkers(text, citations);
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) fragment.append(text.slice(last, match.index));
    const isText = quoted.has(match.index);
    fragment.append(isText ? document.createTextNode(match[0]) : token(match[0], citations, onCite));
    last = match.index + match[0].length;
  }
  if (last < text.length) fragment.append(text.slice(last));
  return fragment;
}

const MARKER = /\[\d+\]/g;
const CONTEXT = 40; // characters of a quote either side of a bracketed number, to find it by

// An article may itself write "[1]" (its own footnotes). Where the answer quotes such a
// passage, that "[1]" is the article's text, not a citation: it is found by the quote's
// text around it (a real marker follows a quote, never sits inside one). The offsets of
// those brackets in `text`.
export function quotedMarkers(text, citations) {
  const found = new Set();
  for (const citation of citations) {
    const quote = citation.quote || "";
    for (const match of quote.matchAll(MARKER)) {
      const end = match.index + match[0].length;
      const before = quote.slice(Math.max(0, match.index - CONTEXT), match.index).split("\n").pop();
      const after = quote.slice(end, end + CONTEXT).split("\n")[0];
      if (!before.trim() && !after.trim()) continue; // a quote of nothing but the number
      const needle = before + match[0] + after;
      for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
        found.add(at + before.length);
      }
    }
  }
  return found;
}

// Whether `text` carries a citation marker of its own (not one quoted from an article).
function hasMarker(text, citations) {
  const quoted = quotedMarkers(text, citations);
  return [...text.matchAll(MARKER)].some((m) => !quoted.has(m.index));
}

function token(raw, citations, onCite) {
  if (raw.startsWith("**")) return element("strong", raw.slice(2, -2));
  if (raw.startsWith("`")) return element("code", raw.slice(1, -1));
  if (raw.startsWith("*")) return element("em", raw.slice(1, -1));
  const marker = raw.match(/^\[(\d+)\]$/);
  if (marker) {
    const citation = citations.find((c) => c.n === Number(marker[1]));
    if (!citation) return document.createTextNode(raw);
    return citeButton(citation, onCite);
  }
  const link = raw.match(/^\[([^\]]+)\]\(([^)\s]+)\)$/);
  if (link && /^https?:\/\//i.test(link[2])) return externalLink(link[1], link[2]);
  return document.createTextNode(raw); // any other scheme stays plain text
}

// A source marker reads "[n]" in a box, never a bare number: a plan's "Step 1 [6]" must not
// read as "Step 16".
export function citeButton(citation, onCite) {
  const button = element("button", `[${citation.n}]`);
  button.type = "button";
  button.className = "cite";
  button.setAttribute("aria-label", `Source ${citation.n}: ${citation.title}`);
  button.addEventListener("click", () => onCite(citation));
  return button;
}

function externalLink(text, href) {
  const a = element("a", text);
  a.href = href;
  a.rel = "noopener noreferrer nofollow";
  a.target = "_blank";
  return a;
}

const TABLE_LINE = /^\s*\|.*\|\s*$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;

// Paragraphs, bullets, numbered lists and markdown tables. `parts.table` / `parts.steps`
// (nodes built from the answer's own `table` / `steps` fields) stand where the text has its
// first table / numbered list, so an answer reads in its own order; further copies are left
// out, and a part the text has no place for comes last.
export function renderMarkdown(text, citations = [], onCite = () => {}, parts = {}) {
  const root = element("div");
  root.className = "body";
  const pending = { table: parts.table || null, steps: parts.steps || null };
  const place = (name) => {
    if (pending[name]) root.append(pending[name]);
    pending[name] = null;
  };
  let list = null;
  let listTag = null;
  let tableLines = [];
  const flushTable = () => {
    if (tableLines.length && parts.table) place("table");
    else if (tableLines.length) root.append(markdownTable(tableLines, citations, onCite));
    tableLines = [];
  };
  for (const line of text.split("\n")) {
    if (TABLE_LINE.test(line)) {
      list = null;
      tableLines.push(line);
      continue;
    }
    flushTable();
    const bullet = line.match(/^\s*[-*•]\s+(.*)$/);
    const numbered = line.match(NUMBERED);
    if (numbered && parts.steps) {
      list = null;
      place("steps");
      continue;
    }
    const item = bullet || numbered;
    if (item) {
      const tag = bullet ? "ul" : "ol";
      if (!list || listTag !== tag) {
        list = element(tag);
        listTag = tag;
        root.append(list);
      }
      const li = element("li");
      li.append(inline(item[1], citations, onCite));
      list.append(li);
    } else {
      list = null;
      if (line.trim()) {
        const p = element("p");
        p.append(inline(line, citations, onCite));
        root.append(p);
      }
    }
  }
  flushTable();
  place("table");
  place("steps");
  return root;
}

function cells(line) {
  return line.trim().replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

function markdownTable(lines, citations, onCite) {
  const rows = lines.map(cells).filter((row) => !row.every((c) => /^:?-{2,}:?$/.test(c)));
  const [columns, ...body] = rows;
  return table({ caption: null, columns, rows: body }, citations, onCite);
}

// ---------------------------------------------------------------- structured parts

export function table(data, citations, onCite) {
  const wrap = element("div");
  wrap.className = "table-wrap";
  wrap.tabIndex = 0; // a table wider than the screen scrolls inside its box, by keyboard too
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-label", data.caption || "Table");
  const t = element("table");
  if (data.caption) t.append(element("caption", data.caption));
  const head = element("thead");
  const headRow = element("tr");
  for (const column of data.columns) {
    const th = element("th");
    th.scope = "col";
    th.append(inline(column, citations, onCite));
    headRow.append(th);
  }
  head.append(headRow);
  const body = element("tbody");
  for (const row of data.rows) {
    const tr = element("tr");
    row.forEach((cell, i) => {
      const td = element(i === 0 ? "th" : "td");
      if (i === 0) td.scope = "row";
      td.append(inline(cell, citations, onCite));
      tr.append(td);
    });
    body.append(tr);
  }
  t.append(head, body);
  wrap.append(t);
  return wrap;
}

export function steps(items, citations, onCite) {
  const ol = element("ol");
  ol.className = "steps";
  for (const step of items) {
    const li = element("li");
    if (step.label) li.append(element("strong", step.label), document.createTextNode(" "));
    li.append(inline(step.text, citations, onCite));
    const citation = citations.find((c) => c.n === step.citation);
    if (citation && !hasMarker(step.text, citations)) li.append(document.createTextNode(" "), citeButton(citation, onCite));
    ol.append(li);
  }
  return ol;
}

function money(value, currency) {
  const rounded = value >= 1000 ? `${Math.round(value / 1000)}k` : String(value);
  return `${currency}${rounded}`;
}

// Salary ranges as horizontal bars on one scale per currency, as SVG nodes.
export function chart(bars) {
  const figure = element("figure");
  figure.className = "chart";
  const width = 320, rowHeight = 34, labelHeight = 14;
  const drawing = svg("svg", { viewBox: `0 0 ${width} ${bars.length * rowHeight}`, role: "img", width: "100%" });
  drawing.setAttribute("aria-label", bars.map((b) => `${b.label}: ${money(b.low, b.currency)} to ${money(b.high, b.currency)}`).join("; "));
  const top = {};
  for (const bar of bars) top[bar.currency] = Math.max(top[bar.currency] || 0, bar.high);
  bars.forEach((bar, i) => {
    const y = i * rowHeight;
    const scale = (width - 8) / top[bar.currency];
    const label = svg("text", { x: 0, y: y + labelHeight - 3, class: "chart-label" });
    label.textContent = `${bar.label} [${bar.citation}]`;
    const track = svg("rect", { x: 0, y: y + labelHeight, width: width - 8, height: 10, rx: 5, class: "chart-track" });
    const range = svg("rect", { x: bar.low * scale, y: y + labelHeight, width: Math.max(4, (bar.high - bar.low) * scale), height: 10, rx: 5, class: "chart-range" });
    const value = svg("text", { x: width - 8, y: y + labelHeight - 3, "text-anchor": "end", class: "chart-value" });
    value.textContent = `${money(bar.low, bar.currency)} – ${money(bar.high, bar.currency)}`;
    drawing.append(label, value, track, range);
  });
  figure.append(drawing);
  return figure;
}

// Sources grouped by article: one card each, with its quoted snippets and a link to the
// original when the article's metadata has one.
export function sourceCards(citations, onCite) {
  const section = element("section");
  section.className = "sources-cards";
  section.setAttribute("aria-label", "Sources");
  const groups = new Map();
  for (const c of citations) {
    if (!groups.has(c.doc_id)) groups.set(c.doc_id, []);
    groups.get(c.doc_id).push(c);
  }
  for (const group of groups.values()) {
    const first = group[0];
    const card = element("article");
    card.className = "source-card";
    const title = element("h3");
    const url = first.url && /^https?:\/\//i.test(first.url) ? first.url : null;
    title.append(url ? externalLink(first.title, url) : document.createTextNode(first.title));
    card.append(title);
    const meta = [first.author, first.date].filter(Boolean).join(" · ");
    if (meta) card.append(Object.assign(element("p", meta), { className: "meta" }));
    const quotes = element("ul");
    for (const c of group) {
      const li = element("li");
      const chip = element("button", `[${c.n}]`);
      chip.type = "button";
      chip.className = "chip";
      chip.setAttribute("aria-label", `Source ${c.n}: ${c.title}`);
      chip.addEventListener("click", () => onCite(c));
      const quote = element("q", c.quote.length > 220 ? `${c.quote.slice(0, 220)}…` : c.quote);
      li.append(chip, document.createTextNode(" "));
      if (c.flagged) li.append(notAdvice(), document.createTextNode(" "));
      li.append(quote);
      quotes.append(li);
    }
    card.append(quotes);
    section.append(card);
  }
  return section;
}

// A passage flagged as instructions to an AI, shown only because the server lets flagged
// passages through (ADVISOR_ALLOW_FLAGGED): said plainly, never passed off as advice.
export function notAdvice() {
  const mark = element("strong", "not advice");
  mark.className = "not-advice";
  mark.title = "Flagged when the library was indexed: this passage reads like instructions to an AI";
  return mark;
}

export function suggestions(questions, onAsk) {
  const nav = element("nav");
  nav.className = "suggestions";
  nav.setAttribute("aria-label", "Suggested follow-up questions");
  for (const question of questions.slice(0, 3)) {
    const button = element("button", question);
    button.type = "button";
    button.className = "suggestion";
    button.addEventListener("click", () => onAsk(question));
    nav.append(button);
  }
  return nav;
}

function splitRow(line) {
  return line.includes("|") ? cells(line) : null;
}

// A quoted table row, shown under its header row (the quote's `context`). A row whose cells
// cannot be told apart is shown whole, under the header.
export function quoteNodes(citation) {
  const context = (citation.context || "").split("\n").find((line) => line.includes("|"));
  const header = context ? splitRow(context) : null;
  const row = splitRow(citation.quote.trim());
  if (header && header.length > 1) {
    const t = table({ caption: null, columns: header, rows: [] }, [], () => {});
    const tr = element("tr");
    if (row && row.length === header.length) {
      row.forEach((cell, i) => tr.append(element(i === 0 ? "th" : "td", cell)));
    } else {
      const td = element("td", citation.quote);
      td.colSpan = header.length;
      tr.append(td);
    }
    t.querySelector("tbody").append(tr);
    return t;
  }
  const fragment = document.createDocumentFragment();
  if (citation.context) fragment.append(Object.assign(element("p", citation.context), { className: "meta" }));
  fragment.append(citation.quote);
  return fragment;
}
