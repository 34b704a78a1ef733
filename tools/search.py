"""From words to moments: find the sections of the notebooks and study notes that talk about something.

    python tools/search.py zero grad        (make find q="zero grad")

prints the best matching sections, each with its video time, video link and where it is
(`notebooks/11-training.ipynb#...`). The course site (tools/site.py) ships the same sections
as `_static/sections.js`, and its search page ranks them the same way (site/_static/moments.js
mirrors `rank` below: keep the two in step).

A section is a `##`/`###` heading with its ▶ time, and everything up to the next such heading
(prose and code of a notebook, bullet points of the notes). A section beyond the lecture (a heading
`Going further: ...`, and the headings under it) has no ▶ in its heading: it is found all the same,
marked `further`, at the moment where its own text first links the lecture (where the lecture
mentions the topic), or else at the time of the lecture section it follows.
"""
import re
import sys

from course import ROOT, TIMECODE, course, heading_kinds, hms, read, slug, video_url

HEADING = re.compile(r"^(#{1,3}) (.*)$")
STOPWORDS = {"a", "an", "the", "of", "to", "in", "and", "or", "is", "how", "what", "why", "do", "does"}
TIME_IN_HEADING = re.compile(r"▶\s*\d\d:\d\d:\d\d")  # as the page shows it: ▶, a no-break space, the time


def words(text):
    """Lower-case words, every other character a space: `__radd__` -> `radd`, `zero_grad()` -> `zero grad`."""
    text = TIMECODE.sub(" ", text)
    text = re.sub(r"\]\([^)]*\)", " ", text)  # link targets
    text = re.sub(r"<[^>]+>", " ", text)       # html tags
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def title_of(line):
    """`## <a id="x"></a>Title [▶ ...](...)` or `## [▶ ...](...) Title` -> `Title`."""
    text = re.sub(r'<a id="[^"]*"></a>', "", line.lstrip("#").strip())
    return TIMECODE.sub("", text).strip()


def heading_slug(text):
    """The anchor of a heading from its visible text, as the site's myst parser sees it
    (`From derivatives ... ▶ 00:19:09` -> `from-derivatives-...`): the same slug `make sync` writes."""
    return slug(TIME_IN_HEADING.sub("", text))


def _split(lines, where, page, kind):
    """Sections of a markdown text given as (line, from_code) pairs."""
    found, current, lecture_t = [], None, None
    kinds = iter(heading_kinds([line for line, code in lines if not code and HEADING.match(line)]))
    for line, code in lines:
        match = None if code else HEADING.match(line)
        if not match:
            if current is not None:
                current["text"].append(line)
            continue
        level, title, times = len(match[1]), title_of(line), TIMECODE.findall(line)
        further = next(kinds)[1] == "further" and level >= 2
        current = None  # a heading without a time (the page title) starts no section
        if level >= 2 and (times or further):
            t = None if further else int(times[0][2])
            current = {"title": title, "t": t, "u": f"{where}#{slug(title)}", "page": page, "kind": kind,
                       "further": further, "after": lecture_t, "text": []}
            found.append(current)
            lecture_t = t if t is not None else lecture_t
    for section in found:
        text = "\n".join(section.pop("text"))
        after = section.pop("after")
        if section["t"] is None:  # beyond the lecture: where its text links the lecture, or where it follows it
            linked = TIMECODE.findall(text)
            section["t"] = int(linked[0][2]) if linked else (after or 0)
        section["words"] = words(section["title"]) + " | " + words(text)
    return found


def sections():
    """Every section of the written notebooks and notes, in course order."""
    result = []
    for nb in course():
        if nb.exists():
            lines = []
            for cell in read(nb).cells:
                tags = cell.get("metadata", {}).get("tags", [])
                if {"course-header", "course-footer", "course-inherited"} & set(tags):
                    continue
                code = cell.cell_type == "code"
                in_fence = False
                for line in cell.source.splitlines():
                    in_fence ^= line.startswith("```")
                    lines.append((line, code or in_fence))
            result += _split(lines, f"notebooks/{nb.file}", nb.name, "notebook")
        notes = ROOT / nb.notes
        if notes.exists():
            lines, in_fence = [], False
            for line in notes.read_text().splitlines():
                in_fence ^= line.startswith("```")
                lines.append((line, in_fence))
            result += _split(lines, nb.notes, f"{nb.name} (study notes)", "notes")
    return result


def rank(query, found, most=8):
    """The sections that best match `query`: every word of it (as a word start) if any section has
    them all, else as many as possible; words in a title and the whole phrase count more."""
    terms = [w for w in words(query).split() if w not in STOPWORDS] or words(query).split()
    if not terms:
        return []
    phrase = re.compile(r"\b" + r" ".join(re.escape(t) for t in terms))
    scored = []
    for s in found:
        title, body = s["words"].split(" | ", 1)
        hits = [len(re.findall(r"\b" + re.escape(t), s["words"])) for t in terms]
        matched = sum(1 for h in hits if h)
        if not matched:
            continue
        score = sum(min(h, 10) for h in hits)
        score += sum(10 for t in terms if re.search(r"\b" + re.escape(t), title))
        if len(terms) > 1:
            score += 20 * len(phrase.findall(title)) + 5 * min(len(phrase.findall(body)), 4)
        scored.append((matched, score, -s["t"], s))
    scored.sort(key=lambda x: x[:3], reverse=True)
    return [s for *_, s in scored[:most]]


def main(args):
    query = " ".join(args).strip()
    if not query:
        sys.exit('Say what to look for: make find q="zero grad"')
    hits = rank(query, sections())
    if not hits:
        print(f"Nothing in the notebooks or notes matches {query!r}.")
        return 1
    for s in hits:
        beyond = "  (beyond the lecture: read it after watching)" if s.get("further") else ""
        print(f"▶ {hms(s['t'])}  {s['title']}{beyond}\n"
              f"    {s['page']}: {s['u']}\n"
              f"    video: {video_url(s['t'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
