"""Certificates ("Giấy chứng nhận") for a competition's winners: one A4 landscape PDF each, set in DejaVu Sans
(embedded: it has every Vietnamese letter, and matplotlib, already a dependency, ships it), delivered as one .zip.

fpdf2 writes the PDFs: pure Python, maintained, Unicode TrueType fonts embedded as subsets (a certificate is
~20 KB), no system library or browser needed.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from hpbot.app.awards import AwardsList, Winner
from hpbot.format import day
from hpbot.texts import awards as award_texts

RED = (176, 18, 26)
GOLD = (191, 144, 0)
INK = (30, 30, 30)


@cache
def font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@dataclass(frozen=True)
class Certificate:
    prize: str
    recipient: str  # "Đồng chí Nguyễn Văn A" or a cell's name
    unit: str  # the member's cell ("" for a cell)
    contest: str
    period: str
    issued: date


def certificates(awards: AwardsList, issued: date) -> list[Certificate]:
    comp = awards.competition
    period = award_texts.CERT_IN.format(name=comp.name, start=day(comp.start), end=day(comp.end))
    out = []
    for winner in awards.winners:
        out.append(_certificate(winner, period, comp.name, issued))
    return out


def _certificate(winner: Winner, period: str, contest: str, issued: date) -> Certificate:
    award = winner.award
    prize = award_texts.CLASS_NAMES[award.prize_class]
    if award.prize_class == "collective":
        return Certificate(prize, award_texts.CERT_CELL.format(name=winner.name), "", contest, period, issued)
    recipient = award_texts.CERT_MEMBER.format(name=winner.name)
    return Certificate(
        prize, recipient, award_texts.CERT_UNIT.format(group=award.winner.group), contest, period, issued
    )


def _fitted(pdf: FPDF, text: str, size: float, width: float, floor: float = 12) -> float:
    """The largest size up to `size` at which `text` fits on one line of `width` (a long name is made smaller, not
    cut); at `floor` the text wraps instead."""
    while size > floor:
        pdf.set_font_size(size)
        if pdf.get_string_width(text) <= width:
            return size
        size -= 1
    return floor


def _document() -> FPDF:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(25, 20, 25)
    fonts = font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    return pdf


def _page(pdf: FPDF, cert: Certificate) -> None:
    """One certificate on a new page of `pdf`."""
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    # a double border
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.6)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.6)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)

    def line(
        text: str, size: float, *, bold: bool = False, color: tuple[int, int, int] = INK, gap: float = 3
    ) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.set_text_color(*color)
        fitted = _fitted(pdf, text, size, width)
        pdf.multi_cell(width, fitted * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.set_y(26)
    line(award_texts.CERT_BY.format(name=cert.contest.upper()), 13, bold=True, color=RED, gap=8)
    line(award_texts.CERT_TITLE, 38, bold=True, color=RED, gap=12)
    line(cert.recipient, 28, bold=True, gap=3)
    if cert.unit:
        line(cert.unit, 16, gap=6)
    else:
        pdf.ln(6)
    line(award_texts.CERT_PRIZE.format(prize=cert.prize).upper(), 24, bold=True, color=GOLD, gap=4)
    line(cert.period, 14, gap=4)
    pdf.set_y(pdf.h - 58)
    pdf.set_x(pdf.w / 2)
    when = award_texts.CERT_PLACE_DATE.format(
        day=f"{cert.issued.day:02d}", month=f"{cert.issued.month:02d}", year=cert.issued.year
    )
    half = pdf.w / 2 - pdf.r_margin
    pdf.set_font("DejaVu", "", 13)
    pdf.set_text_color(*INK)
    pdf.multi_cell(half, 7, when, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(half, 7, award_texts.CERT_SIGNATURE, align="C", new_x="LEFT", new_y="NEXT")


def combined_pdf(certs: list[Certificate]) -> bytes:
    """Every certificate as a page of one PDF (the fonts read and embedded once), for printing them all."""
    pdf = _document()
    pdf.set_title(award_texts.CERT_TITLE)
    for cert in certs:
        _page(pdf, cert)
    return bytes(pdf.output())


def pdf_bytes(cert: Certificate) -> bytes:
    return combined_pdf([cert])


def _slug(text: str, limit: int = 40) -> str:
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_only).strip("-").lower()[:limit] or "x"


def archive(certs: list[Certificate]) -> bytes:
    """A .zip of one PDF per winner (named to sort by prize, then rank) and all of them in one PDF to print.
    The pages are made in one document, so the font is read and cut down to its glyphs once, not per winner;
    pypdf then writes each page as a file of its own."""
    combined = combined_pdf(certs)
    reader = PdfReader(io.BytesIO(combined))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for index, (cert, page) in enumerate(zip(certs, reader.pages, strict=True), start=1):
            writer = PdfWriter()
            writer.add_page(page)
            writer.add_metadata({"/Title": f"{award_texts.CERT_TITLE} — {cert.recipient}"})
            one = io.BytesIO()
            writer.write(one)
            name = award_texts.CERT_FILE.format(
                index=index, prize=_slug(cert.prize), name=_slug(cert.recipient)
            )
            zf.writestr(name, one.getvalue())
        zf.writestr(award_texts.CERT_ALL_FILE, combined)
    return buffer.getvalue()
