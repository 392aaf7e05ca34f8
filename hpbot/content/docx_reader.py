"""A Word file's text as the lines a reader sees, in document order.

python-docx gives a paragraph's text without its list marker: Word draws "1.", "a)" or "•" from the numbering
definitions. Those markers are part of what the official answer says ("(1) …", "- …"), so they are rebuilt here
from the definitions (numId, level, format, level text, start) and each list's running count, as Word counts them.
Headings are ordinary lines (the importer recognises "PHẦN …" and "Câu hỏi N …" by their words, whatever the style);
a line break inside a paragraph starts a new line; each table row becomes one line, its cells joined by " | ".
The text is what Word shows: tracked insertions in, deletions and field codes out, content controls read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hpbot.content.model import ContentError

BULLET = "-"
CELL_SEPARATOR = " | "


class _Level:
    def __init__(self, fmt: str, text: str, start: int) -> None:
        self.fmt, self.text, self.start = fmt, text, start


def docx_lines(path: Path) -> list[str]:
    """Raises ContentError for a file python-docx cannot read."""
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for a broken file
        raise ContentError(f"{path.name}: not a readable .docx file ({exc.__class__.__name__})") from exc
    levels = _numbering(document, qn)
    counters: dict[str, list[int]] = {}
    lines: list[str] = []
    for element in _blocks(document.element.body, qn):
        if element.tag == qn("w:p"):
            paragraph = Paragraph(element, document)
            marker = _marker(paragraph, levels, counters)
            pieces = _text(element).split("\n")
            if marker and pieces[0].strip():
                pieces[0] = f"{marker} {pieces[0].strip()}"
            lines.extend(pieces)
        else:
            for row in Table(element, document).rows:
                cells: list[str] = []
                seen: list[Any] = []
                for cell in row.cells:
                    if any(cell._tc is tc for tc in seen):  # a merged cell comes once per column it spans
                        continue
                    seen.append(cell._tc)
                    text = " ".join(" ".join(_text(p) for p in cell._tc.xpath("./w:p")).split())
                    if text:
                        cells.append(text)
                if cells:
                    lines.append(CELL_SEPARATOR.join(cells))
    return lines


def _blocks(container: Any, qn: Any) -> Iterator[Any]:
    """The paragraphs and tables of the body in order, including those inside content controls (w:sdt), which
    templates use for cover pages and tables of contents."""
    for child in container.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            yield from _blocks(child, qn)


# the text a reader sees: the runs' text, tabs and breaks, tracked insertions included (python-docx's own text skips
# runs inside w:ins), deletions and field codes (w:delText, w:instrText) left out, and text boxes (a drawing's
# w:txbxContent, anchored in the paragraph but not part of its sentence) too
_VISIBLE = (
    "./*[not(self::w:pPr)]/descendant-or-self::w:r[not(ancestor::w:txbxContent)]"
    "/*[self::w:t or self::w:tab or self::w:br or self::w:cr]"
)


def _text(paragraph: Any) -> str:
    out = []
    for node in paragraph.xpath(_VISIBLE):
        name = node.tag.rsplit("}", 1)[-1]
        out.append(node.text or "" if name == "t" else "\t" if name == "tab" else "\n")
    return "".join(out)


def _numbering(document: Any, qn: Any) -> dict[tuple[str, int], _Level]:
    """(numId, level) -> how Word draws that level's marker."""
    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError):  # no list in the document
        return {}
    abstract: dict[str, dict[int, _Level]] = {}
    for node in root.findall(qn("w:abstractNum")):
        found: dict[int, _Level] = {}
        for lvl in node.findall(qn("w:lvl")):
            fmt, text, start = _val(lvl, "w:numFmt", qn), _val(lvl, "w:lvlText", qn), _val(lvl, "w:start", qn)
            found[int(lvl.get(qn("w:ilvl")) or 0)] = _Level(
                fmt or "decimal", text or "", int(start) if start and start.isdigit() else 1
            )
        abstract[node.get(qn("w:abstractNumId")) or ""] = found
    out: dict[tuple[str, int], _Level] = {}
    for num in root.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        if ref is None:
            continue
        for level, definition in abstract.get(ref.get(qn("w:val")) or "", {}).items():
            out[(num.get(qn("w:numId")) or "", level)] = definition
    return out


def _val(node: Any, tag: str, qn: Any) -> str | None:
    found = node.find(qn(tag))
    return found.get(qn("w:val")) if found is not None else None


def _num_pr(paragraph: Any) -> tuple[str, int] | None:
    """The paragraph's list and level: its own, else its style's (List Bullet, List Number …), else none."""
    p_pr = paragraph._p.pPr
    num_pr = p_pr.numPr if p_pr is not None else None
    style = paragraph.style
    while num_pr is None and style is not None:
        style_pr = style.element.pPr
        num_pr = style_pr.numPr if style_pr is not None else None
        style = style.base_style
    if num_pr is None or num_pr.numId is None:
        return None
    number = str(num_pr.numId.val)
    level = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
    return None if number == "0" else (number, level)  # numId 0: numbering switched off for this paragraph


def _marker(paragraph: Any, levels: dict[tuple[str, int], _Level], counters: dict[str, list[int]]) -> str:
    found = _num_pr(paragraph)
    if found is None:
        return ""
    number, level = found
    definition = levels.get((number, level))
    if definition is None:
        return ""
    if definition.fmt in ("bullet", "none"):
        return BULLET if definition.fmt == "bullet" else ""
    counts = counters.setdefault(number, [])
    while len(counts) <= level:
        start = levels.get((number, len(counts)))
        counts.append((start.start if start else 1) - 1)
    counts[level] += 1
    del counts[level + 1 :]  # a deeper list starts again under each new item
    text = definition.text or f"%{level + 1}."
    for index, count in enumerate(counts):
        sub = levels.get((number, index))
        text = text.replace(f"%{index + 1}", _format(count, sub.fmt if sub else "decimal"))
    return text.strip()


def _format(count: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return "abcdefghijklmnopqrstuvwxyz"[(count - 1) % 26]
    if fmt == "upperLetter":
        return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(count - 1) % 26]
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(count)
        return roman.lower() if fmt == "lowerRoman" else roman
    return str(count)


def _roman(count: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while count >= value:
            out, count = out + letters, count - value
    return out
