"""List and role answers: items under their heading, grouped by article; roles with one line each."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from advisor.answer.question import names_topic
from advisor.answer.quotes import Quote, QuoteRanker, content_words, quote_of_unit, quotes_from_hits
from advisor.answer.sources import Citer, Library
from advisor.retrieval import Hit
from advisor.text.lexicon import ROLE_NOUNS, is_role_title, normalize_term

__all__ = [
    "Entry",
    "background_quotes",
    "compose_entries",
    "fitting_roles",
    "labelled_lines",
    "list_items",
    "modified_list",
    "more_note",
    "narrowed",
    "role_sections",
    "role_topic_line",
    "section_lines",
    "series",
    "sibling_sections",
    "topic_sections",
    "whole_sections",
]

MAX_ITEMS = 20  # items shown of one list; a longer one says how many more it has
MAX_LISTS = 3  # lists (one per article) in one answer
ITEM_RATIO = 0.7  # a list's best item scores at least this share of the best list's
PHRASE_BONUS = 0.5  # a line naming the background as one phrase
ROLE_SHARE = 0.6  # sibling headings that are mostly role names are a list of roles
MAX_FITS = 3  # roles offered for a stated background: a few options, best first
_SUITS = re.compile(r"\b(suits?|fits?|ideal for|good for|right for|best for|who should)\b", re.I)
SIBLING_HITS = 5  # passages whose sections (or their parents) may head a list of sections
MIN_LABELLED = 3  # paragraphs opening "Label: ..." under one heading that make a list
_LABEL = re.compile(r"^([A-Z][^:.!?]{2,60}):\s+\S")
LABEL_WORDS = 7  # a label longer than this is a sentence with a colon in it
_ROLE_NOUN = re.compile(rf"\b({'|'.join(ROLE_NOUNS)})s?\b", re.I)


@dataclass(frozen=True)
class Entry:
    """One line of a list answer: a name (a heading) if it has one, and its cited quote."""

    name: str | None
    quote: Quote
    more: int = 0  # items of its list left out after this one (a list past MAX_ITEMS)


def _shown_items(quotes: Sequence[Quote]) -> list[Entry]:
    """A list's items in document order, up to MAX_ITEMS; the last one shown counts the rest."""
    ordered = sorted(quotes, key=lambda q: q.position)
    entries = [Entry(None, q) for q in ordered[:MAX_ITEMS]]
    if len(ordered) > MAX_ITEMS:
        entries[-1] = Entry(None, entries[-1].quote, len(ordered) - MAX_ITEMS)
    return entries


def more_note(entries: Sequence[Entry]) -> str:
    """ " and 3 more the article lists" when a list was cut, else ""."""
    more = sum(e.more for e in entries)
    return f" and {more} more the article lists" if more else ""


def _lists(quotes: list[Quote]) -> list[tuple[str, str, int]]:
    """Each item's list: (article, lead-in or heading, run); a run is unbroken document order."""
    order = sorted(range(len(quotes)), key=lambda i: (quotes[i].hit.doc_id, quotes[i].position))
    keys: list[tuple[str, str, int]] = [("", "", 0)] * len(quotes)
    run, previous = 0, None
    for i in order:
        q = quotes[i]
        head = q.context or q.heading
        if previous is None or (q.hit.doc_id, head) != previous[:2] or q.position > previous[2] + 1:
            run += 1
        keys[i] = (q.hit.doc_id, head, run)
        previous = (q.hit.doc_id, head, q.position)
    return keys


def list_items(
    question: str,
    hits: Sequence[Hit],
    library: Library,
    ranker: QuoteRanker,
    roles: bool = False,
    headed: Callable[[str], bool] | None = None,
) -> list[Entry]:
    """Whole lists, best first, one per article: the lists the best-scoring items belong to.

    With `roles`, only lists most of whose items open with a role name ("Data Engineer: ...");
    with `headed`, lists whose lead-in and heading path it accepts come before the others
    ("... these skills add value everywhere:" for skills, before "Here are the major career tracks:").
    """
    found = quotes_from_hits(whole_sections(hits, library), library.units)
    quotes = list({q.text: q for q in reversed(found) if q.kind == "item"}.values())[::-1]
    keys = _lists(quotes)
    if roles:
        named = [_is_role(re.split(r"[:(—–]| - ", q.text, maxsplit=1)[0]) for q in quotes]
        share = {
            k: sum(n for k2, n in zip(keys, named, strict=True) if k2 == k) / keys.count(k) for k in set(keys)
        }
        kept = [i for i, k in enumerate(keys) if share[k] >= ROLE_SHARE and keys.count(k) >= 2]
        quotes, keys = [quotes[i] for i in kept], [keys[i] for i in kept]
    if not quotes:
        return []
    scores = ranker.scores(question, quotes)
    best_of: dict[tuple[str, str, int], float] = {}
    for key, score in zip(keys, scores, strict=True):
        best_of[key] = max(best_of.get(key, float("-inf")), float(score))
    ranked = sorted(best_of.items(), key=lambda item: -item[1])
    if headed is not None:
        header = {k: q.header for q, k in zip(quotes, keys, strict=True)}
        ranked = [r for r in ranked if headed(header[r[0]])] or ranked
    top = ranked[0][1]
    chosen: list[tuple[str, str, int]] = []
    for key, score in ranked:
        if len(chosen) < MAX_LISTS and score >= top * ITEM_RATIO and all(k[0] != key[0] for k in chosen):
            chosen.append(key)
    entries: list[Entry] = []
    for key in chosen:
        items = [q for q, k in zip(quotes, keys, strict=True) if k == key]
        entries += _shown_items(items)
    return entries


def whole_sections(hits: Sequence[Hit], library: Library) -> list[Hit]:
    """The hits, then the other passages of their sections: a list cut across two passages."""
    seen = {h.chunk_id for h in hits}
    wanted = {(h.doc_id, h.section) for h in hits}
    more = [
        library.hit(chunk_id, rank=hit.rank)
        for hit in hits
        for chunk_id, section in library.passages(hit.doc_id)
        if (hit.doc_id, section) in wanted and section == hit.section and chunk_id not in seen
    ]
    unique = list({h.chunk_id: h for h in more}.values())
    return [*hits, *unique]


def _first_line(library: Library, chunk_id: str) -> Quote | None:
    """A section's first sentence or item: what it says it is about."""
    return next((q for q in library.quotes(chunk_id) if q.kind in ("sentence", "item")), None)


def _is_role(name: str) -> bool:
    return bool(_ROLE_NOUN.search(name))


def role_sections(hits: Sequence[Hit], library: Library, one_article: bool = False) -> list[Entry]:
    """Sections side by side whose headings name roles, each with its first line.

    Articles are taken in the order the search ranked them; a group of sibling sections
    (under one parent, or all top-level) counts when most of its headings name a role.
    """
    docs = list(dict.fromkeys(h.doc_id for h in hits))
    entries: list[Entry] = []
    for doc_id in docs:
        groups: dict[str, dict[str, str]] = {}  # parent -> child heading -> its first passage
        for chunk_id, section in library.passages(doc_id):
            parent, _, name = (section or "").rpartition(" > ")
            name = re.sub(r"^\d+[.)]\s*", "", name).strip()
            if name and name not in groups.get(parent, {}):
                groups.setdefault(parent, {})[name] = chunk_id
        for group in groups.values():
            roles = [name for name in group if _is_role(name)]
            if len(roles) >= 2 and len(roles) >= ROLE_SHARE * len(group):
                for name in roles:
                    first = _first_line(library, group[name])
                    if first is not None:
                        entries.append(Entry(name, first))  # document order
        if len(entries) >= 2 * MAX_LISTS and not one_article:
            break
    if one_article and entries:  # the fullest list of roles among the articles found
        per_doc = {d: [e for e in entries if e.quote.hit.doc_id == d] for d in docs}
        return max(per_doc.values(), key=len)
    return entries


def sibling_sections(
    question: str, topic: str, hits: Sequence[Hit], library: Library, ranker: QuoteRanker
) -> list[Entry]:
    """Sections side by side under a parent heading naming the topic asked ("Certification Paths").

    Each child section gives its heading as the name and its first line; children whose
    heading is far from the question (a stray "Salary Data" under it) are left out.
    """
    # The found section's parent, or the found section itself, when its heading names the topic.
    # Only a heading naming the topic: one sharing a subject word ("AI Careers") lists anything.
    parents = [
        (hit, parent)
        for hit in hits[:SIBLING_HITS]
        for parent in ((hit.section or "").rpartition(" > ")[0], hit.section or "")
        if parent and names_topic(parent.rsplit(" > ", 1)[-1], topic)
    ]
    for hit, parent in parents:
        children: dict[str, Quote] = {}
        for chunk_id, section in library.passages(hit.doc_id):
            if not (section or "").startswith(parent + " > "):
                continue
            name = (section or "")[len(parent) + 3 :].split(" > ")[0]
            first = None if name in children else _first_line(library, chunk_id)
            if first is not None:
                children[name] = first
        if len(children) < 3:  # two headings side by side are a section, not a list
            continue
        names = list(children)
        closeness = ranker.vectors(names) @ ranker.embedder.embed_query(question)
        near = {n for n, c in zip(names, closeness, strict=True) if c >= float(closeness.max()) * 0.5}
        # A series keeps its members together: "Beginner Level" ... "Expert Level".
        series = {n.split()[-1].lower() for n in near if len(n.split()) > 1}
        keep = [n for n in names if n in near or (len(n.split()) > 1 and n.split()[-1].lower() in series)]
        return [Entry(n, children[n]) for n in keep]  # document order
    return []


def topic_sections(topic: str, hits: Sequence[Hit], library: Library) -> list[Hit]:
    """The first passage of each section of the found articles whose heading (or a parent's)
    names the topic, as found with its article's best hit."""
    found: dict[str, Hit] = {}
    for hit in hits:
        if hit.doc_id in {h.doc_id for h in found.values()}:
            continue
        for chunk_id, section in library.passages(hit.doc_id):
            if section and section not in found and names_topic(section, topic):
                found[section] = replace(library.hit(chunk_id), rank=hit.rank, relevance=hit.relevance)
    return list(found.values())


def modified_list(modifier: Sequence[str], hits: Sequence[Hit], library: Library) -> list[Entry]:
    """The list under a lead-in or heading holding the words that narrow the topic asked
    ("Monitoring and Observability" > "The frameworks for detecting this:" for "monitoring tools"),
    from the best-ranked passage that has one; in document order."""
    wanted = content_words(" ".join(modifier))
    if not wanted:
        return []
    quotes = [q for q in quotes_from_hits(whole_sections(hits, library), library.units) if q.kind == "item"]
    for key in dict.fromkeys((q.hit.chunk_id, q.context) for q in quotes):
        items = [q for q in quotes if (q.hit.chunk_id, q.context) == key]
        header = f"{key[1] or ''} {items[0].hit.section or ''}"
        if len(items) >= 2 and wanted <= content_words(header):
            return _shown_items(items)
    return []


def narrowed(entries: list[Entry], modifier: Sequence[str], question: str, library: Library) -> list[Entry]:
    """Of sections side by side, the ones the question picks out, each shown whole: "beginner
    projects" of "Beginner Level" ... "Expert Level" are Beginner Level's own lines. A section is
    picked by the words narrowing the topic, or by the words that set its name apart from the
    others' ("beginner" of "Beginner Level") all being in the question."""
    wanted = content_words(" ".join(modifier))
    asked = content_words(question)
    if not entries:
        return entries
    names = [content_words(e.name or "") for e in entries]
    common = frozenset.intersection(*names) if names else frozenset()
    named = [
        e
        for e, words in zip(entries, names, strict=True)
        if e.name and ((wanted and wanted <= words) or (words - common and words - common <= asked))
    ]
    if not named or len(named) == len(entries):
        return entries
    shown = [line for entry in named for line in section_lines(entry, library)]
    return shown[: MAX_ITEMS * 2] or entries  # sections with no lines of their own leave the list as it was


def section_lines(entry: Entry, library: Library) -> list[Entry]:
    """A named section's own list: its labelled paragraphs ("House Price Prediction System: ..."),
    else its list items; empty when it has neither."""
    hit = entry.quote.hit
    quotes = [
        quote
        for chunk_id, section in library.passages(hit.doc_id)
        if section == hit.section
        for quote in library.quotes(chunk_id)
        if quote.kind in ("sentence", "item")
    ]
    labelled = list(
        {m.group(1): Entry(m.group(1), q) for q in reversed(quotes) if (m := _label(q.text))}.values()
    )
    items = [Entry(None, q) for q in quotes if q.kind == "item"]
    if len(labelled) >= 2:
        return sorted(labelled, key=lambda e: e.quote.position)
    return items if len(items) >= 2 else []


def series(entries: list[Entry]) -> bool:
    """Whether sections side by side are a series of levels or stages: three or more names
    ending in the same word ("Beginner Level" ... "Expert Level")."""
    last = [e.name.split()[-1].lower() for e in entries if e.name and len(e.name.split()) > 1]
    return len(entries) >= 3 and len(last) == len(entries) and len(set(last)) == 1


def labelled_lines(topic: str, hits: Sequence[Hit], library: Library) -> list[Entry]:
    """A list written as prose: paragraphs opening "Label: ..." under a heading naming the topic
    ("Common Mistakes to Avoid"), each named by its label, in document order."""
    for hit in hits:
        if not names_topic(_heading(hit), topic):
            continue
        quotes = quotes_from_hits(whole_sections([hit], library), library.units)
        labelled = {m.group(1): Entry(m.group(1), q) for q in quotes if (m := _label(q.text))}
        if len(labelled) >= MIN_LABELLED:
            return sorted(labelled.values(), key=lambda e: e.quote.position)
    return []


def role_topic_line(topic: str, roles: Sequence[str], hits: Sequence[Hit], library: Library) -> Quote | None:
    """In the section of a role the question names, the line labelled with the topic ("Core skills: ...").

    A role's skills line answers a question about its tools when no line is labelled with tools:
    what a role's section lists as its skills are mostly the tools it uses ("Kubernetes, MLflow")."""
    found = list(hits) + [
        library.hit(chunk_id) for chunk_id, _ in library.passages()
    ]  # the role's own section
    for wanted in (topic, *_NEAR_TOPICS.get(topic, ())):
        for hit in found:
            if not any(r.lower() in (hit.section or "").lower() for r in roles):
                continue
            for q in library.quotes(hit.chunk_id):
                label = _label(q.text)
                if label and names_topic(label.group(1), wanted):
                    return replace(q, hit=hit)
    return None


_NEAR_TOPICS = {"tools": ("skills",)}  # a topic, and what a role's own line may call it instead


def _label(text: str) -> re.Match[str] | None:
    match = _LABEL.match(text)
    return match if match and len(match.group(1).split()) <= LABEL_WORDS else None


def _heading(hit: Hit) -> str:
    return (hit.section or "").rsplit(" > ", 1)[-1]


def role_of(quote: Quote) -> str | None:
    """The role a quote's section is about, when its heading is a role's name."""
    name = re.sub(r"^\d+[.)]\s*", "", quote.heading).strip()
    return name if name and is_role_title(name) else None


def fitting_roles(question: str, hits: Sequence[Hit], library: Library, ranker: QuoteRanker,
                  limit: int = MAX_FITS) -> list[Entry]:  # fmt: skip
    """Roles whose own sections best match what the asker says of themselves, one line each.

    Candidates are the retrieved passages' lines in role sections and, from every role
    section, the line that says whom the role suits ("Who it suits: ..."), so each role
    can be weighed on its own terms.
    """
    quotes = [q for q in quotes_from_hits(whole_sections(hits, library), library.units) if role_of(q)]
    for chunk_id, _ in library.passages():
        for q in library.quotes(chunk_id):
            if role_of(q):
                label = re.match(r"^([^:]{2,40}):", q.text)
                if label and _SUITS.search(label.group(1)):
                    quotes.append(q)
    quotes = list({(q.hit.chunk_id, q.text): q for q in quotes}.values())
    if not quotes:
        return []
    scores = ranker.scores(question, quotes)
    best: dict[str, tuple[float, Quote]] = {}
    for quote, score in zip(quotes, scores, strict=True):
        role = role_of(quote)
        if role and (role not in best or score > best[role][0]):
            best[role] = (float(score), quote)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])
    return [Entry(role, quote) for role, (_, quote) in ranked[:limit]]


def background_quotes(background: str, question: str, library: Library, ranker: QuoteRanker) -> list[Quote]:
    """Lines anywhere in the library that name the stated background and a role, best first.

    A background given as alternatives ("communications/PR") is any one of them."""
    # Whole words: "accountant" is not in "cloud accounts", as a six-letter stem would have it.
    alternatives = [normalize_term(part) for part in background.split("/") if part.strip()]
    wanted = [words for part in alternatives if (words := {w for w in part.split() if content_words(w)})]
    if not wanted:
        return []
    phrase = re.compile("|".join(rf"\b{re.escape(part)}\b" for part in alternatives if part))
    found: list[Quote] = []
    for units in library.units.values():
        for unit in units:
            if unit.kind == "code" or not any(words <= library.terms(unit) for words in wanted):
                continue
            if _is_role(unit.text) or _is_role(unit.section or ""):
                found.append(quote_of_unit(unit, library.hit(unit.chunk_id)))
    if not found:
        return []
    # The background named as written ("software engineer") beats its words apart, and a line that
    # also names a role title ("Writer/communications → Prompt Engineer") beats one naming none.
    vocabulary = library.version.vocabulary
    scores = ranker.scores(question, found) + [
        PHRASE_BONUS * bool(phrase.search(normalize_term(q.text)))
        + PHRASE_BONUS * bool(vocabulary.find_roles(q.text))
        for q in found
    ]
    order = sorted(range(len(found)), key=lambda i: -scores[i])
    return [found[i] for i in order[:3] if scores[i] >= scores[order[0]] * 0.5]


def compose_entries(entries: list[Entry], citer: Citer) -> list[str]:
    """Entries grouped by article and heading; each line cited."""
    lines: list[str] = []
    group: tuple[str, str] | None = None
    several = len({e.quote.hit.doc_id for e in entries}) > 1
    for entry in entries:
        quote = entry.quote
        heading = "" if entry.name else (quote.context or quote.heading)
        key = (quote.hit.doc_id, heading)
        if key != group:
            group = key
            title = f"*{quote.hit.title}*" if several else ""
            head = f"**{heading.rstrip(':').strip()}**" if heading else ""
            caption = " — ".join(part for part in (title, head) if part)
            if caption:
                lines += ["", f"{caption}:"]
            elif not lines:
                lines.append("")
        lead = f"**{entry.name}**: " if entry.name and not quote.text.startswith(entry.name) else ""
        lines.append(f"- {lead}{quote.text} [{citer.quote(quote)}]")
        if entry.more:
            lines.append(f"- …{more_note([entry])}")
    return lines
