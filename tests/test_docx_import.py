"""Importing a real Word file: heading styles, numbered and bulleted lists drawn by Word, tables, debris, NFC, and
the warnings an editor needs (numbering gaps, empty answers, repeated questions)."""

import unicodedata
from pathlib import Path

import pytest

from hpbot.cli import main
from hpbot.content import load_bank
from hpbot.content.importer import import_document

TITLE = "Hỏi - đáp về Nghị quyết thử nghiệm"
NUMBERS = (
    "31%",
    "43%",
    "67%",
    "79%",
    "97%",
)  # no one of them near another: a cloze's wrong options are not facts
TOPICS = (
    ("Chương trình nước sạch nông thôn đạt kết quả ra sao?", "hộ gia đình ở nông thôn dùng nước sạch"),
    ("Việc số hóa hồ sơ hành chính được thực hiện thế nào?", "hồ sơ hành chính cấp xã được số hóa"),
    ("Kết quả trồng rừng ven biển ra sao?", "diện tích rừng ngập mặn ven biển được phục hồi"),
)


def sentence(topic: str, number: str, index: int) -> str:
    return f"Đến cuối năm thứ {index + 1} của chương trình, tỷ lệ {topic} đạt {number}, vượt kế hoạch đề ra."


def make_docx(path: Path, *, questions=TOPICS, gap=False, empty=None, repeat=False) -> Path:
    """A small Hỏi - Đáp document as a commission would write it in Word: styles, lists, a table, debris."""
    import docx

    document = docx.Document()
    document.add_heading("TÀI LIỆU HỎI - ĐÁP VỀ NGHỊ QUYẾT THỬ NGHIỆM", 0)
    document.add_paragraph("(ban hành kèm theo Công văn số 01 của Ban Thử nghiệm)")
    document.add_heading("PHẦN I", 1)
    document.add_paragraph("NHỮNG KẾT QUẢ CHỦ YẾU")
    numbers = [1, 2, 4] if gap else [1, 2, 3]
    for (text, topic), number in zip(questions, numbers, strict=False):
        if repeat and number == 3:
            text = questions[0][0]
        document.add_heading(f"Câu hỏi {number}: {text}", 2)
        document.add_paragraph("Trả lời:")
        if empty == number:
            continue
        # a decomposed letter (e + combining dot below + combining circumflex) and debris, as word processors leave them
        lead = document.add_paragraph(
            "Theo Nghị quyết, chương trình được triển khai đồng bộ, hi\u0065\u0323\u0302u quả."
        )
        lead.add_run("[bookmark: _Hlk170000001]")
        for index, value in enumerate(NUMBERS[:3]):
            document.add_paragraph(sentence(topic, value, index), style="List Bullet")
        for index, value in enumerate(NUMBERS[3:], start=3):
            document.add_paragraph(sentence(topic, value, index), style="List Number")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Chỉ tiêu", "Kết quả"
        table.cell(1, 0).text, table.cell(1, 1).text = "Tỷ lệ chung", "Đạt"
    document.add_paragraph("KẾT LUẬN")
    document.add_paragraph("Các chi bộ tổ chức học tập nghiêm túc.")
    document.save(str(path))
    return path


def test_a_word_file_imports_with_its_lists_tables_and_nfc_text(tmp_path, capsys):
    source = make_docx(tmp_path / "nghi-quyet-thu.docx")
    out = tmp_path / "content" / "documents" / "nq-thu"
    assert main(["content", "import", str(source), "--out", str(out), "--title", TITLE]) == 0
    assert "3 questions" in capsys.readouterr().out
    bank = load_bank(out)
    assert bank.id == "nq-thu" and bank.document.title == TITLE
    assert bank.document.issuer == "Ban Thử nghiệm" and bank.document.source_file == "nghi-quyet-thu.docx"
    assert [p.title for p in bank.parts] == ["NHỮNG KẾT QUẢ CHỦ YẾU"]
    question = bank.question(1)
    assert question.text == TOPICS[0][0]
    kinds = [(b.kind, b.marker) for b in question.answer]
    assert (
        kinds
        == [("paragraph", "")]
        + [("bullet", "-")] * 3
        + [("numbered", "1."), ("numbered", "2.")]
        + [("paragraph", "")] * 2
    )
    # Word counts one numbered list through the document, as it shows it: the second question goes on 3., 4.
    assert [b.marker for b in bank.question(2).answer if b.kind == "numbered"] == ["3.", "4."]
    assert question.answer[1].text == sentence(TOPICS[0][1], "31%", 0)  # verbatim
    assert [b.text for b in question.answer[-2:]] == ["Chỉ tiêu | Kết quả", "Tỷ lệ chung | Đạt"]
    lead = question.answer[0].text
    assert lead.endswith("hiệu quả.") and "bookmark" not in lead
    assert unicodedata.is_normalized("NFC", lead) and "\u0323" not in lead
    written = (out / "questions.yaml").read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", written) and "[bookmark" not in written


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"gap": True}, "question 4 is out of sequence (expected 3)"),
        ({"empty": 2}, "question 2 has an empty answer"),
        ({"repeat": True}, "question 3 repeats the text of question 1"),
    ],
)
def test_the_editor_is_warned_of_gaps_empty_answers_and_repeats(tmp_path, capsys, options, expected):
    source = make_docx(tmp_path / "thu.docx", **options)
    assert any(expected in w for w in import_document(source).warnings)
    assert main(["content", "import", str(source), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "warning: thu.docx: line" in err and expected in err


def test_import_by_id_writes_the_document_directory_and_refuses_a_bad_id(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HPBOT_CONTENT", str(tmp_path / "content"))
    source = make_docx(tmp_path / "thu.docx")
    assert main(["content", "import", str(source), "--id", "nq-thu", "--title", TITLE]) == 0
    assert (tmp_path / "content" / "documents" / "nq-thu" / "questions.yaml").is_file()
    for bad in ("NQ Thu", "-x", "a" * 41, "nq_thu"):
        assert main(["content", "import", str(source), f"--id={bad}"]) == 1
        assert "an id is lowercase ascii" in capsys.readouterr().err
    assert main(["content", "import", str(source)]) == 1
    assert "--id SLUG" in capsys.readouterr().err


def test_a_broken_word_file_is_one_clear_error(tmp_path, capsys):
    path = tmp_path / "hong.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["content", "import", str(path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "hong.docx: not a readable .docx file" in err and "Traceback" not in err


def numbered(document, paragraph, num_id: int, level: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    num_pr = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", level), ("w:numId", num_id)):
        child = OxmlElement(tag)
        child.set(qn("w:val"), str(value))
        num_pr.append(child)
    paragraph._p.get_or_add_pPr().append(num_pr)


def test_question_numbers_and_sub_items_drawn_by_word_are_read_as_shown(tmp_path):
    """Word draws "Câu hỏi 1:" and "a)", "b)" from a multi-level list; the text alone has neither."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    root = document.part.numbering_part.element
    w = nsdecls("w")  # the WordprocessingML namespace, as python-docx declares it
    levels = (("decimal", "Câu hỏi %1:"), ("lowerLetter", "%2)"))
    abstract = parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90">'
        + "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
            for i, (fmt, text) in enumerate(levels)
        )
        + "</w:abstractNum>"
    )
    root.insert(0, abstract)
    root.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    document.add_paragraph("ĐỀ CƯƠNG THỬ")
    document.add_heading("PHẦN I", 1)
    document.add_paragraph("CHỦ TRƯƠNG")
    for question in ("Mục tiêu chung là gì?", "Giải pháp là gì?"):
        numbered(document, document.add_heading(question, 2), 90, 0)
        document.add_paragraph("Trả lời:")
        for point in ("Ý thứ nhất.", "Ý thứ hai."):
            numbered(document, document.add_paragraph(point), 90, 1)
    path = tmp_path / "tu-dong.docx"
    document.save(str(path))
    result = import_document(path)
    assert result.warnings == []
    bank = result.bank
    assert [(q.number, q.text) for q in bank.questions] == [
        (1, "Mục tiêu chung là gì?"),
        (2, "Giải pháp là gì?"),
    ]
    for number in (1, 2):  # the sub-list starts again under each question
        assert [(b.kind, b.marker, b.text) for b in bank.question(number).answer] == [
            ("numbered", "a)", "Ý thứ nhất."),
            ("numbered", "b)", "Ý thứ hai."),
        ]


def test_tracked_changes_content_controls_and_equal_cells_read_as_word_shows_them(tmp_path):
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    w = nsdecls("w")  # the WordprocessingML namespace, as python-docx declares it
    document = docx.Document()
    body = document.element.body
    for xml in (
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>ĐỀ CƯƠNG TRONG KHUNG NỘI DUNG</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        "<w:p><w:r><w:t>PHẦN I</w:t></w:r></w:p>",
        "<w:p><w:r><w:t>CHỦ TRƯƠNG</w:t></w:r></w:p>",
        "<w:p><w:r><w:t>Câu 1: Hỏi?</w:t></w:r></w:p>",
        "<w:p><w:r><w:t>Trả lời:</w:t></w:r></w:p>",
        # an insertion kept, a deletion and a field code left out, as Word shows the accepted text
        '<w:p><w:r><w:t xml:space="preserve">Tăng trưởng </w:t></w:r><w:ins w:id="1" w:author="BT"><w:r>'
        '<w:t xml:space="preserve">bình quân </w:t></w:r></w:ins><w:del w:id="2" w:author="BT"><w:r>'
        '<w:delText xml:space="preserve">khoảng </w:delText></w:r></w:del><w:r><w:instrText> PAGE </w:instrText>'
        "</w:r><w:r><w:t>đạt 10%.</w:t></w:r></w:p>",
    ):
        # before the section properties, which end the body
        body.insert(len(body) - 1, parse_xml(f"<w:body {w}>{xml}</w:body>")[0])
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "Chỉ tiêu"
    table.cell(0, 1).text = table.cell(0, 2).text = "Đạt"
    path = tmp_path / "sua-doi.docx"
    document.save(str(path))
    bank = import_document(path).bank
    assert bank.document.title == "ĐỀ CƯƠNG TRONG KHUNG NỘI DUNG"
    assert [b.text for b in bank.question(1).answer] == [
        "Tăng trưởng bình quân đạt 10%.",
        "Chỉ tiêu | Đạt | Đạt",
    ]
