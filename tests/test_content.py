"""The study bank: import reproduces the committed bank, bad documents fail cleanly, the checker names problems."""

import copy
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml

from hpbot.cli import main
from hpbot.content import load_bank
from hpbot.content.check import check_bank
from hpbot.content.importer import import_document
from hpbot.content.meaning import contains_words

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "content" / "source" / "000_f3921c9c11720964.txt"
CONTENT = ROOT / "content" / "documents" / "dh-hp-2025"


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def bank():
    return load_bank(CONTENT)


def test_import_reproduces_the_committed_question_bank(tmp_path, capsys):
    assert main(["content", "import", str(SOURCE), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "questions.yaml").read_bytes() == (CONTENT / "questions.yaml").read_bytes()
    assert "41 questions" in capsys.readouterr().out
    assert not (tmp_path / "quiz").exists()  # the quiz bank is separate and untouched


def test_the_bank_matches_its_source(bank):
    assert [q.number for q in bank.questions] == list(range(1, 42))
    assert [(p.number, p.roman) for p in bank.parts] == [(1, "I"), (2, "II"), (3, "III")]
    parts = {q.number: q.part for q in bank.questions}
    assert all(parts[n] == 1 for n in range(1, 7))
    assert all(parts[n] == 2 for n in range(7, 26))
    assert all(parts[n] == 3 for n in range(26, 42))
    # the bank is the source in NFC (a letter + combining mark stored in the source is one letter in the bank)
    raw = SOURCE.read_text(encoding="utf-8")
    source = squash(re.sub(r"\[bookmark:[^\]]*\]", "", unicodedata.normalize("NFC", raw)))
    assert unicodedata.normalize("NFC", raw) != raw  # the source does hold such letters
    bank_text = (CONTENT / "questions.yaml").read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", bank_text) == bank_text
    for question in bank.questions:
        assert squash(question.answer_text()) in source, question.number
        assert squash(question.text) in source
    assert len(bank.introduction) == 2 and bank.conclusion
    assert "[bookmark" not in (CONTENT / "questions.yaml").read_text(encoding="utf-8")
    assert bank.document.source_file == SOURCE.name
    assert bank.document.issuer == "Ban Tuyên giáo và Dân vận Thành uỷ"
    kinds = {b.kind for q in bank.questions for b in q.answer}
    assert kinds == {"paragraph", "bullet", "numbered"}  # lists stay structure, not one blob


def test_docx_with_the_same_text_imports_to_the_same_questions(tmp_path):
    import docx

    document = docx.Document()
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "de-cuong.docx"
    document.save(str(path))
    assert import_document(path).bank.questions == import_document(SOURCE).bank.questions


def test_crlf_bom_and_nbsp_import_the_same(tmp_path):
    text = SOURCE.read_text(encoding="utf-8").replace(" trong ", "\u00a0trong\u00a0")
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    original = import_document(SOURCE).bank.questions
    imported = import_document(path).bank.questions
    assert [q.number for q in imported] == [q.number for q in original]
    assert [squash(q.answer_text()) for q in imported] == [
        squash(q.answer_text()).replace("\u00a0", " ") for q in original
    ]


SMALL = """ĐỀ CƯƠNG THỬ
PHẦN I
PHẦN THỬ
{h1} Câu một?
{a}
Trả lời một.
{h2} Câu hai?
Trả lời:
- Ý thứ nhất.
{h3} Câu ba?
Trả lời:
1. Ý một.
KẾT LUẬN
Hết.
"""


@pytest.mark.parametrize(
    ("h1", "a", "h2", "h3"),
    [
        ("Câu 1.", "Trả lời :", "Câu hỏi 2 -", "CÂU HỎI 3:"),
        ("Câu hỏi1:", "Trả lời:", "Câu 2:", "Câu hỏi 3:"),
    ],
)
def test_heading_variants_are_accepted(tmp_path, h1, a, h2, h3):
    path = tmp_path / "small.txt"
    path.write_text(SMALL.format(h1=h1, a=a, h2=h2, h3=h3), encoding="utf-8")
    result = import_document(path)
    assert [q.number for q in result.bank.questions] == [1, 2, 3]
    assert result.bank.question(2).answer[0].marker == "-"
    assert result.warnings == []


def test_numbering_gaps_and_repeats_are_warnings_with_the_line(tmp_path):
    path = tmp_path / "gap.txt"
    path.write_text(SMALL.format(h1="Câu 1:", a="Trả lời:", h2="Câu 5:", h3="Câu 5:"), encoding="utf-8")
    warnings = import_document(path).warnings
    assert any("line 7" in w and "question 5" in w for w in warnings)
    assert any("line 10" in w and "repeated" in w for w in warnings)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty"),
        ("PHẦN I\nTiêu đề\nKhông có câu hỏi nào.\n".encode(), "line"),
        ("PHẦN I\nTiêu đề\nCâu 1: Hỏi?\nKhông có trả lời\nCâu 2: Hỏi?\nTrả lời:\nx\n".encode(), "line 3"),
        (bytes(range(256)) * 20, "binary"),
        (b"\xff\xfe\xfa not utf8 \xc3\x28", "not UTF-8"),
    ],
)
def test_malformed_documents_fail_naming_the_line_and_write_nothing(tmp_path, capsys, content, fragment):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    out = tmp_path / "out"
    assert main(["content", "import", str(path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert fragment in err and "bad.txt" in err and "Traceback" not in err
    assert not (out / "questions.yaml").exists()


def test_committed_bank_passes_check_with_enough_items(bank, capsys):
    assert check_bank(CONTENT).problems == []
    assert main(["content", "check", str(CONTENT)]) == 0
    assert "41 questions" in capsys.readouterr().out
    assert len(bank.items) >= 205
    for question in bank.questions:
        items = bank.items_for(question.number)
        assert len(items) >= 5, question.number
        for item in items:
            assert squash(item.quote) in squash(question.answer_text()), item.id
            # facts are whole words, matched case-insensitively (hpbot.content.meaning)
            assert contains_words(item.fact, item.correct_option) and contains_words(item.fact, item.quote)
    assert len({item.id for item in bank.items}) == len(bank.items)


@pytest.fixture
def broken_bank(tmp_path):
    """A copy of the real bank, to break one item at a time."""
    shutil.copy(CONTENT / "questions.yaml", tmp_path / "questions.yaml")
    shutil.copytree(CONTENT / "quiz", tmp_path / "quiz")
    return tmp_path


def edit_first_item(bank_dir: Path, change) -> str:
    path = bank_dir / "quiz" / "q01-q14.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = data["items"][0]
    change(item, data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return item.get("id", "item #1")


BREAKS = {
    "missing fields": lambda i, d: i.pop("quote"),
    "unknown fields": lambda i, d: i.update(extra="x"),
    "duplicate id": lambda i, d: d["items"].append(copy.deepcopy(i)),
    "must be exactly one letter": lambda i, d: i.update(answer="AB"),
    "exactly 4": lambda i, d: i.update(options=i["options"][:3]),
    "distinct": lambda i, d: i.update(options=[i["options"][0]] * 4),
    "stem has": lambda i, d: i.update(stem="x" * 301),
    "option A has": lambda i, d: i["options"].__setitem__(0, "y" * 101),
    "explanation has 201": lambda i, d: i.update(explanation="z" * 201),
    "line breaks": lambda i, d: i.update(explanation="a\nb\nc\nd"),
    "difficulty must be": lambda i, d: i.update(difficulty="rat_kho"),
    "not a question of the bank": lambda i, d: i.update(question=99),
    "not found verbatim": lambda i, d: i.update(quote=i["quote"] + " thêm chữ"),
    "fact is not in the quote": lambda i, d: i.update(fact="không có trong trích dẫn"),
    "fact is not in the correct option": lambda i, d: i.update(
        answer="ABCD"[("ABCD".index(i["answer"]) + 1) % 4]
    ),
}


@pytest.mark.parametrize("problem", list(BREAKS))
def test_check_names_the_file_item_and_problem(broken_bank, capsys, problem):
    item_id = edit_first_item(broken_bank, BREAKS[problem])
    assert main(["content", "check", str(broken_bank)]) == 1
    err = capsys.readouterr().err
    line = next((line for line in err.splitlines() if problem in line), None)
    assert line is not None, err
    assert "q01-q14.yaml" in line and item_id in line


def test_check_reports_a_question_with_too_few_items(broken_bank, capsys):
    def keep_two(item, data):
        data["items"] = (
            [i for i in data["items"] if i["question"] != 3][:0]
            + [i for i in data["items"] if i["question"] != 3]
            + [i for i in data["items"] if i["question"] == 3][:2]
        )

    edit_first_item(broken_bank, keep_two)
    assert main(["content", "check", str(broken_bank)]) == 1
    assert "question 3: has 2 valid reviewed items" in capsys.readouterr().err


def test_drafts_are_written_for_review_and_never_served(broken_bank, tmp_path, capsys):
    out = broken_bank / "drafts" / "quiz-draft.yaml"
    assert main(["content", "draft-quiz", "--bank", str(broken_bank), "--out", str(out)]) == 0
    drafts = yaml.safe_load(out.read_text(encoding="utf-8"))["items"]
    assert drafts and all(d["status"] == "draft" for d in drafts)
    served = {i.id for i in load_bank(broken_bank).items}
    assert not served & {d["id"] for d in drafts}
    shutil.copy(out, broken_bank / "quiz" / "zz-drafts.yaml")  # even inside quiz/, a draft is not served
    assert {i.id for i in load_bank(broken_bank).items} == served
    assert check_bank(broken_bank).problems == []  # drafts are structurally valid items
