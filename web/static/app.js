// Career Advisor chat page. Plain JavaScript, no build step.
// Safety: nothing from the server is ever parsed as HTML. Text becomes DOM text nodes;
// the small markdown subset (paragraphs, bullets, bold, italic, code, http(s) links and
// [n] citation markers) is built with createElement.
"use strict";

const STORAGE_KEY = "career-advisor.conversation";
const TOKEN_KEY = "career-advisor.client-token";
const $ = (id) => document.getElementById(id);

// Conversations belong to this browser: a random token, kept here and sent with each call
// (X-Client-Token). Without it, a conversation id alone opens nothing.
function clientToken() {
  let token = localStorage.getItem(TOKEN_KEY);
  if (!token) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    token = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    localStorage.setItem(TOKEN_KEY, token);
  }
  return token;
}
const HEADERS = { "content-type": "application/json", "x-client-token": clientToken() };
const state = { conversationId: localStorage.getItem(STORAGE_KEY), messageCount: 0, controller: null };

// ---------------------------------------------------------------- safe markdown

const INLINE = /(\*\*[^*\n]+\*\*|\*[^*\n]+\*|`[^`\n]+`|\[\d+\]|\[[^\]\n]+\]\([^)\s]+\))/g;

function inline(text, citations) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) fragment.append(text.slice(last, match.index));
    fragment.append(token(match[0], citations));
    last = match.index + match[0].length;
  }
  if (last < text.length) fragment.append(text.slice(last));
  return fragment;
}

function token(raw, citations) {
  if (raw.startsWith("**")) return element("strong", raw.slice(2, -2));
  if (raw.startsWith("`")) return element("code", raw.slice(1, -1));
  if (raw.startsWith("*")) return element("em", raw.slice(1, -1));
  const marker = raw.match(/^\[(\d+)\]$/);
  if (marker) {
    const citation = citations.find((c) => c.n === Number(marker[1]));
    if (!citation) return document.createTextNode(raw);
    const button = element("button", marker[1]);
    button.type = "button";
    button.className = "cite";
    button.setAttribute("aria-label", `Source ${marker[1]}: ${citation.title}`);
    button.addEventListener("click", () => openCitation(citation));
    return button;
  }
  const link = raw.match(/^\[([^\]]+)\]\(([^)\s]+)\)$/);
  if (link && /^https?:\/\//i.test(link[2])) {
    const a = element("a", link[1]);
    a.href = link[2];
    a.rel = "noopener noreferrer nofollow";
    a.target = "_blank";
    return a;
  }
  return document.createTextNode(raw); // any other scheme stays plain text
}

function element(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderMarkdown(text, citations = []) {
  const root = element("div");
  root.className = "body";
  let list = null;
  for (const line of text.split("\n")) {
    const item = line.match(/^\s*[-*•]\s+(.*)$/);
    if (item) {
      if (!list) root.append((list = element("ul")));
      const li = element("li");
      li.append(inline(item[1], citations));
      list.append(li);
    } else {
      list = null;
      if (line.trim()) {
        const p = element("p");
        p.append(inline(line, citations));
        root.append(p);
      }
    }
  }
  return root;
}

// ---------------------------------------------------------------- messages

function showEmpty(empty) {
  $("empty").hidden = !empty;
}

function addUser(text) {
  const li = element("li", text);
  li.className = "message user";
  $("messages").append(li);
  state.messageCount += 1;
  showEmpty(false);
  return li;
}

function addAssistant() {
  const li = element("li");
  li.className = "message assistant";
  li.append(status("Looking through the articles…"));
  $("messages").append(li);
  li.scrollIntoView({ block: "end" });
  return li;
}

function status(text) {
  const p = element("p", text);
  p.className = "status";
  return p;
}

function renderAnswer(li, answer, messageIndex) {
  li.replaceChildren(renderMarkdown(answer.answer, answer.citations));
  li.classList.toggle("refused", Boolean(answer.refused));
  if (answer.refused) li.prepend(status("The articles don't cover this."));
  if (answer.unsupported && answer.unsupported.length) {
    const box = element("div");
    box.className = "warning";
    box.append(element("strong", "Not backed by the sources: "));
    const ul = element("ul");
    for (const sentence of answer.unsupported) ul.append(element("li", sentence));
    box.append(ul);
    li.append(box);
  }
  if (answer.citations && answer.citations.length) li.append(chips(answer.citations));
  li.append(actions(answer.answer, messageIndex));
}

function chips(citations) {
  const nav = element("div");
  nav.className = "chips";
  nav.setAttribute("aria-label", "Sources");
  for (const citation of citations) {
    const button = element("button", `[${citation.n}] ${citation.title}`);
    button.type = "button";
    button.className = "chip";
    button.addEventListener("click", () => openCitation(citation));
    nav.append(button);
  }
  return nav;
}

function actions(text, messageIndex) {
  const bar = element("div");
  bar.className = "actions";
  const copy = element("button", "Copy");
  copy.type = "button";
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text);
      copy.textContent = "Copied";
    } catch {
      copy.textContent = "Copy failed";
    }
  });
  bar.append(copy);
  for (const [label, rating] of [["Helpful", 1], ["Not helpful", -1]]) {
    const button = element("button", label);
    button.type = "button";
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", () => sendFeedback(bar, button, messageIndex, rating));
    bar.append(button);
  }
  return bar;
}

async function sendFeedback(bar, button, messageIndex, rating) {
  const response = await fetch("/api/feedback", {
    method: "POST",
    headers: HEADERS,
    body: JSON.stringify({ conversation_id: state.conversationId, message_index: messageIndex, rating }),
  });
  if (response.ok) {
    for (const b of bar.querySelectorAll("button[aria-pressed]")) b.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-pressed", "true");
  }
}

function renderSources(li, error) {
  li.replaceChildren(status(error.error || "The answer could not be completed."));
  const sources = (error.detail && error.detail.sources) || [];
  if (sources.length) {
    li.append(element("p", "The LLM is unavailable; here are the passages I found:"));
    const ol = element("ol");
    ol.className = "sources";
    for (const hit of sources) {
      const item = element("li");
      item.append(element("strong", hit.title), document.createTextNode(` — ${hit.text.slice(0, 280)}…`));
      ol.append(item);
    }
    li.append(ol);
  }
}

function openCitation(citation) {
  $("citation-title").textContent = citation.title;
  const meta = [citation.author, citation.date, citation.section].filter(Boolean).join(" · ");
  $("citation-meta").textContent = meta;
  $("citation-quote").textContent = citation.quote;
  $("citation-source").textContent = `File: ${citation.source}`;
  $("citation").showModal();
}

// ---------------------------------------------------------------- talking to the API

async function ask(question) {
  const li = (addUser(question), addAssistant());
  const messageIndex = state.messageCount;
  busy(true);
  state.controller = new AbortController();
  let text = "";
  try {
    const response = await fetch("/api/chat", {
      method: "POST",
      headers: HEADERS,
      body: JSON.stringify({ message: question, conversation_id: state.conversationId, stream: true }),
      signal: state.controller.signal,
    });
    if (!response.ok) {
      const error = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
      if (response.status === 404) forgetConversation();
      renderSources(li, error);
      return;
    }
    for await (const { event, data } of serverEvents(response)) {
      if (event === "token") {
        text += data.text;
        li.replaceChildren(renderMarkdown(text));
      } else if (event === "done") {
        remember(data.conversation_id);
        renderAnswer(li, data, messageIndex);
        state.messageCount += 1;
      } else if (event === "error") {
        renderSources(li, data);
      }
    }
  } catch (error) {
    if (error.name === "AbortError") {
      li.append(status("Stopped. This answer was not saved."));
    } else {
      li.replaceChildren(status("The advisor could not be reached. Try again in a moment."));
    }
  } finally {
    busy(false);
  }
}

async function* serverEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = (block.match(/^event: (.*)$/m) || [])[1] || "message";
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      if (data) yield { event, data: JSON.parse(data) };
    }
  }
}

function busy(on) {
  $("send").disabled = on;
  $("stop").hidden = !on;
  $("messages").setAttribute("aria-busy", String(on));
}

function remember(id) {
  state.conversationId = id;
  localStorage.setItem(STORAGE_KEY, id);
}

function forgetConversation() {
  state.conversationId = null;
  state.messageCount = 0;
  localStorage.removeItem(STORAGE_KEY);
}

async function restore() {
  if (!state.conversationId) return;
  const response = await fetch(`/api/conversations/${encodeURIComponent(state.conversationId)}`, { headers: HEADERS });
  if (!response.ok) return forgetConversation();
  const conversation = await response.json();
  conversation.messages.forEach((message, index) => {
    if (message.role === "user") {
      addUser(message.content);
    } else {
      const li = element("li");
      li.className = "message assistant";
      $("messages").append(li);
      renderAnswer(li, { answer: message.content, citations: message.citations, refused: false }, index);
      state.messageCount += 1;
    }
  });
}

function newChat() {
  if (state.controller) state.controller.abort();
  forgetConversation();
  $("messages").replaceChildren();
  showEmpty(true);
  $("question").focus();
}

// ---------------------------------------------------------------- wiring

document.addEventListener("DOMContentLoaded", () => {
  const input = $("question");
  $("ask").addEventListener("submit", (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question || $("send").disabled) return;
    input.value = "";
    ask(question);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("ask").requestSubmit();
    }
  });
  $("stop").addEventListener("click", () => state.controller && state.controller.abort());
  $("new-chat").addEventListener("click", newChat);
  for (const button of document.querySelectorAll(".starter")) {
    button.addEventListener("click", () => ask(button.textContent.trim()));
  }
  restore();
});
