"""The bank's quality: the text members read (display), and what `hpbot content check` says about meaning."""

import unicodedata
from itertools import groupby
from pathlib import Path

import pytest
import yaml

from hpbot.cli import main
from hpbot.content import Erratum, load_bank
from hpbot.content.check import check_bank
from hpbot.content.display import display_differences, for_display
from hpbot.content.meaning import contains_words, giveaway_words, stated_distractors, too_long

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content" / "documents" / "dh-hp-2025"


@pytest.mark.parametrize(
    ("verbatim", "shown"),
    [
        ("Chủ đề là:Tiếp tục nâng cao", "Chủ đề là: Tiếp tục nâng cao"),
        ("các cấp ủy.Phân công rõ người", "các cấp ủy. Phân công rõ người"),
        ("tầm nhìn 2050.Phấn đấu đưa", "tầm nhìn 2050. Phấn đấu đưa"),
        ("sáng tạo;Số lượng", "sáng tạo; Số lượng"),
        ("khéo”.Tăng cường", "khéo”. Tăng cường"),
        ("kinh doanh:100% cơ quan", "kinh doanh: 100% cơ quan"),
        ("đạt tối thiểu 90%.100% thủ tục", "đạt tối thiểu 90%. 100% thủ tục"),
    ],
)
def test_display_restores_the_space_the_word_processor_dropped(verbatim, shown):
    assert for_display(verbatim, [], None) == shown


@pytest.mark.parametrize(
    "text",
    [
        "gần 3.200 km², trên 4,6 triệu người",
        "từ ngày 01/7/2025, nhiệm kỳ 2025-2030, lúc 10:30",
        "TP.Hải Phòng, T.Ư và v.v.",
        "xem https://example.org/Tin.Tuc hoặc www.Example.org, thư gửi ban.tuyen@example.org",
        "Đã đủ dấu cách. Không đổi gì: đúng vậy.",
    ],
)
def test_display_leaves_numbers_abbreviations_and_addresses_alone(text):
    assert for_display(text, [], None) == text


def test_display_applies_the_errata_of_its_question_and_the_general_ones():
    errata = [
        Erratum(21, "kiều hồi", "kiều hối"),
        Erratum(None, "nhiệmh kỳ", "nhiệm kỳ"),
        Erratum(8, "viện chức", "viên chức"),
    ]
    text = "kiều hồi chuyển về, nhiệmh kỳ mới, công chức, viện chức"
    assert for_display(text, errata, 21) == "kiều hối chuyển về, nhiệm kỳ mới, công chức, viện chức"
    assert for_display(text, errata, None) == "kiều hồi chuyển về, nhiệm kỳ mới, công chức, viện chức"


def test_display_is_nfc_and_matches_an_erratum_typed_either_way():
    decomposed = unicodedata.normalize("NFD", "Bẩy chỉ tiêu")
    shown = for_display(decomposed, [Erratum(28, "Bẩy chỉ tiêu", "Bảy chỉ tiêu")], 28)
    assert shown == unicodedata.normalize("NFC", "Bảy chỉ tiêu")
    assert for_display("Bẩy chỉ tiêu", [Erratum(28, decomposed, "Bảy chỉ tiêu")], 28) == "Bảy chỉ tiêu"


def test_display_differences_name_anything_beyond_errata_and_spacing():
    errata = [Erratum(1, "kinh tê", "kinh tế")]
    assert display_differences("là:Tiếp tục kinh tê", errata, 1) == []
    assert display_differences("là:Tiếp tục", errata, 1, shown="là: Tiếp tục") == []
    assert display_differences("là:Tiếp tục", errata, 1, shown="là: Tiếp tục.") != []
    assert display_differences("là:Tiếp tục", errata, 1, shown="là : Tiếp tục") != []
    assert display_differences("kinh tê", errata, 1, shown="kinh tê") != []  # an erratum left unapplied


def test_the_shipped_document_reads_right():
    bank = load_bank(CONTENT)

    def shown(number: int) -> str:
        question = bank.question(number)
        return "\n".join(
            for_display(line, bank.errata, number) for line in [question.text, *question.paragraphs()]
        )

    assert "là: Tiếp tục nâng cao" in shown(3)
    assert "cấp ủy. Phân công rõ người" in shown(31)
    assert "tầm nhìn 2050. Phấn đấu" in shown(37)
    assert "biến đổi khí hậu" in shown(37)
    assert "kiều hối chuyển về" in shown(21)
    assert "viên chức" in shown(8) and "viện chức" not in shown(8)
    assert "GRDP của Hải Dương" in shown(19)
    assert shown(28).startswith(bank.question(28).text) and "Bảy chỉ tiêu" in shown(28)
    assert "Khuyến khích đầu tư" in shown(34)
    assert "3.200km²" in shown(1) and "4,6 triệu" in shown(1)  # verbatim where nothing was dropped


def test_the_shipped_bank_passes_with_no_warning_and_no_pattern():
    report = check_bank(CONTENT)
    assert report.problems == [] and report.warnings == []
    bank = load_bank(CONTENT)
    letters = [item.answer_letter for item in bank.items]
    assert max(len(list(run)) for _, run in groupby(letters)) <= 2
    assert all(letters.count(letter) >= len(letters) // 5 for letter in "ABCD")
    longest = [
        item
        for item in bank.items
        if sorted(len(o) for o in item.options)[-1] == len(item.correct_option)
        and [len(o) for o in item.options].count(len(item.correct_option)) == 1
    ]
    assert len(longest) < len(bank.items) * 0.3
    assert {item.difficulty for item in bank.items} == {"de", "trung_binh", "kho"}


# small hand-made banks

QUESTION = (
    "Những nguyên nhân của hạn chế là gì? Nguyên nhân chủ quan là trực tiếp và quyết định nhất. "
    "Báo cáo chính trị đã hoàn thiện sau 12 lần dự thảo, báo cáo kiểm điểm qua 6 lần dự thảo. "
    "Tỷ lệ đô thị hóa đạt 68,94%. Tỉnh bạn có tỷ lệ đô thị hóa đạt 45%."
)


def item(ident: str, **change):
    base = {
        "id": f"q01-{ident}",
        "question": 1,
        "difficulty": "de",
        "stem": "Báo cáo chính trị được hoàn thiện sau bao nhiêu lần?",
        "options": ["12 lần dự thảo", "8 lần dự thảo", "10 lần dự thảo", "15 lần dự thảo"],
        "answer": "A",
        "fact": "12 lần dự thảo",
        "explanation": "Báo cáo chính trị hoàn thiện sau 12 lần dự thảo.",
        "quote": "Báo cáo chính trị đã hoàn thiện sau 12 lần dự thảo",
    }
    base.update(change)
    return base


def small_bank(tmp_path: Path, special: dict, errata=None) -> Path:
    questions = {
        "document": {"title": "Thử", "issuer": "Ban", "source_file": "thu.txt", "sha256": "0" * 64},
        "parts": [{"number": 1, "roman": "I", "title": "PHẦN THỬ"}],
        "questions": [
            {
                "number": 1,
                "part": 1,
                "text": "Câu hỏi thử?",
                "answer": [{"kind": "paragraph", "marker": "", "text": QUESTION}],
            }
        ],
    }
    (tmp_path / "questions.yaml").write_text(yaml.safe_dump(questions, allow_unicode=True), encoding="utf-8")
    items = [item(f"plain-{n}") for n in range(4)] + [special]
    (tmp_path / "quiz").mkdir()
    (tmp_path / "quiz" / "q01.yaml").write_text(
        yaml.safe_dump({"items": items}, allow_unicode=True), encoding="utf-8"
    )
    if errata is not None:
        (tmp_path / "errata.yaml").write_text(
            yaml.safe_dump({"errata": errata}, allow_unicode=True), encoding="utf-8"
        )
    return tmp_path


def test_a_plain_small_bank_passes(tmp_path):
    report = check_bank(small_bank(tmp_path, item("special")))
    assert report.problems == [] and report.warnings == [] and report.items == 5


def test_facts_match_whole_words_ignoring_case(tmp_path):
    assert contains_words("NGUYÊN NHÂN chủ quan", "do nguyên nhân chủ quan sau")
    assert not contains_words("guyên nhân chủ quan", "do nguyên nhân chủ quan sau")
    assert not contains_words("2 lần", "sau 12 lần dự thảo")
    assert contains_words("3.200", "gần 3.200km²")  # a number ends where the unit begins
    mid_word = item(
        "mid-word",
        options=["Nguyên nhân chủ quan", "Nguyên nhân khách quan", "Do thiên tai", "Do thị trường"],
        fact="guyên nhân chủ quan",
        quote="Nguyên nhân chủ quan là trực tiếp và quyết định nhất",
    )
    found = [p.what for p in check_bank(small_bank(tmp_path, mid_word)).problems]
    assert "fact is not in the quote (as whole words)" in found
    assert "fact is not in the correct option (as whole words)" in found


def test_a_distractor_the_answer_states_in_the_right_ones_place_is_an_error(tmp_path, capsys):
    stated = item("stated", options=["12 lần dự thảo", "6 lần dự thảo", "10 lần dự thảo", "15 lần dự thảo"])
    assert stated_distractors(stated["options"], 0, stated["fact"], stated["quote"], QUESTION) == []
    city = item(
        "city",
        stem="Tỷ lệ đô thị hóa của thành phố đạt bao nhiêu?",
        options=["68,94%", "45%", "52%", "75%"],
        fact="68,94%",
        quote="Tỷ lệ đô thị hóa đạt 68,94%",
    )
    assert stated_distractors(city["options"], 0, city["fact"], city["quote"], QUESTION) == [1]
    assert main(["content", "check", str(small_bank(tmp_path, city))]) == 1
    assert "q01-city: distractor B ('45%') is stated in the official answer" in capsys.readouterr().err


def test_a_much_longer_correct_option_is_a_warning_only(tmp_path, capsys):
    long = item(
        "long",
        options=["12 lần dự thảo, được lấy ý kiến rộng rãi trong toàn Đảng bộ", "8 lần", "10 lần", "15 lần"],
    )
    assert too_long(long["options"], 0) is not None
    assert too_long(item("even")["options"], 0) is None
    report = check_bank(small_bank(tmp_path, long))
    assert report.problems == []
    assert [w.what for w in report.warnings] == ["the correct option is 10.4x as long as the mean distractor"]
    assert main(["content", "check", str(tmp_path)]) == 0
    assert "warning: " in capsys.readouterr().err


def test_a_stem_sharing_a_content_word_with_the_right_option_only_is_a_warning(tmp_path):
    options = ["Nguyên nhân chủ quan", "Do thiên tai, dịch bệnh", "Do biến động thế giới", "Do thiếu vốn"]
    telling = item(
        "telling",
        stem="Những hạn chế có nguyên nhân trực tiếp, quyết định nhất nào?",
        options=options,
        fact="nguyên nhân chủ quan",
        quote="Nguyên nhân chủ quan là trực tiếp và quyết định nhất",
    )
    assert giveaway_words(telling["stem"], options, 0) == {"nguyên", "nhân"}
    # function words ("những", "nào", "là") and words every option shares tell nothing
    assert giveaway_words("Những hạn chế là do đâu?", options, 0) == set()
    report = check_bank(small_bank(tmp_path, telling))
    assert report.problems == []
    assert [w.what for w in report.warnings] == [
        "the stem shares 'nguyên, nhân' with the correct option only"
    ]


@pytest.mark.parametrize(
    ("entry", "problem", "warning"),
    [
        ({"question": 1, "source": "lần dự thảo,báo", "suggested": "x"}, "not found in question 1", None),
        ({"question": 7, "source": "lần", "suggested": "lượt"}, "question 7 is not in the bank", None),
        ({"question": None, "source": "đạt", "suggested": "đạt"}, "suggests the same text", None),
        (
            {"question": 1, "source": "đô thị hoá đạt 68,94%", "suggested": "đô thị hóa đạt 68,94%"},
            None,
            "the text already reads as suggested: remove it",
        ),
        ({"question": 1, "source": "Tỉnh bạn", "suggested": "Tỉnh Hải Dương"}, None, None),
    ],
)
def test_errata_name_text_of_their_question(tmp_path, entry, problem, warning):
    report = check_bank(small_bank(tmp_path, item("special"), errata=[entry]))
    assert [p.what for p in report.problems if p.where.startswith("erratum")] == (
        [problem] if problem else []
    )
    assert [w.what for w in report.warnings] == ([warning] if warning else [])
