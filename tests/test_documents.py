"""Several study documents: the editor's pipeline (import → drafts → review → check), the library, a group's walk
through each document, the competition's document, and `hpbot content stats`."""

import io
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from hpbot.app.documents import SwitchOutcome
from hpbot.app.study import StudyService
from hpbot.cli import main
from hpbot.clock import FakeClock
from hpbot.content import ContentError, Library, load_bank, load_library
from hpbot.content.cli import add_content_commands, run_content
from hpbot.content.review import review
from hpbot.store import Store
from hpbot.store.documents import served_item_ids
from tests.test_docx_import import TITLE, make_docx

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "content" / "documents" / "dh-hp-2025"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SLUG = "nq-thu"


def accept_all(count: int) -> str:
    return "a\n" * count


def new_document(root: Path, monkeypatch, answers: str | None = None) -> Path:
    """A content root holding the shipped document and a second one taken from a Word file through the editor's
    commands; the review accepts every draft unless told otherwise."""
    shutil.copytree(SHIPPED, root / "documents" / SHIPPED.name)
    return pipeline(root, monkeypatch, SLUG, TITLE, answers)


def pipeline(root: Path, monkeypatch, slug: str, title: str, answers: str | None = None) -> Path:
    """import → draft-quiz → review of a Word file the test writes, as the editor types them."""
    monkeypatch.setenv("HPBOT_CONTENT", str(root))
    source = make_docx(root.parent / f"{slug}.docx")
    assert main(["content", "import", str(source), "--id", slug, "--title", title]) == 0
    assert main(["content", "draft-quiz", "--id", slug]) == 0
    directory = root / "documents" / slug
    drafts = yaml.safe_load((directory / "drafts" / "quiz-draft.yaml").read_text(encoding="utf-8"))["items"]
    monkeypatch.setattr("sys.stdin", io.StringIO(answers if answers is not None else accept_all(len(drafts))))
    assert main(["content", "review", "--id", slug]) == 0
    return directory


def test_the_pipeline_takes_a_word_file_to_served_items(tmp_path, monkeypatch, capsys):
    directory = new_document(tmp_path / "content", monkeypatch)
    out = capsys.readouterr().out
    assert "Quote:" in out and "accepted" in out
    drafts = yaml.safe_load((directory / "drafts" / "quiz-draft.yaml").read_text(encoding="utf-8"))["items"]
    assert len(drafts) >= 15 and all(d["status"] == "draft" and d["quote"] for d in drafts)
    bank = load_bank(directory)
    for draft in drafts:  # each quote verbatim in its question's official answer
        assert " ".join(draft["quote"].split()) in " ".join(
            bank.question(draft["question"]).answer_text().split()
        )
    assert {i.id for i in bank.items} == {d["id"] for d in drafts}
    assert all(item.status == "reviewed" for item in bank.items)
    assert main(["content", "check", str(directory)]) == 0
    library = load_library()
    assert library.ids == ("dh-hp-2025", SLUG) and library.get(SLUG).document.title == TITLE
    assert library.holding(bank.items[0].id).id == SLUG


def test_check_covers_every_document_and_the_library(tmp_path, monkeypatch, capsys):
    root = tmp_path / "content"
    for slug in ("nq-mot", "nq-hai"):
        pipeline(root, monkeypatch, slug, f"Tài liệu {slug}")
    capsys.readouterr()
    assert main(["content", "check"]) == 0  # every document, then the library as a whole
    checked = capsys.readouterr().out
    assert "nq-hai:" in checked and "nq-mot:" in checked and "ok: 2 document(s): nq-hai, nq-mot" in checked
    # the same item in two documents: each passes alone, the library does not
    shutil.copy(
        root / "documents" / "nq-mot" / "quiz" / "reviewed-drafts.yaml",
        root / "documents" / "nq-hai" / "quiz" / "x.yaml",
    )
    assert main(["content", "check", str(root / "documents" / "nq-mot")]) == 0
    assert main(["content", "check"]) == 1
    assert "unique across documents" in capsys.readouterr().err


def test_review_edits_field_by_field_rejects_skips_and_resumes(tmp_path, monkeypatch, capsys):
    # first draft: edited (a new stem, the rest kept) then accepted; second rejected; third skipped; then quit
    session = "e\nĐiền số thích hợp: …\n" + "\n" * 9 + "a\nr\ns\nq\n"
    directory = new_document(tmp_path / "content", monkeypatch, session)
    out = capsys.readouterr().out
    assert "1 accepted, 1 rejected" in out
    drafts = yaml.safe_load((directory / "drafts" / "quiz-draft.yaml").read_text(encoding="utf-8"))["items"]
    accepted = yaml.safe_load((directory / "quiz" / "reviewed-drafts.yaml").read_text(encoding="utf-8"))[
        "items"
    ]
    assert [(i["id"], i["stem"], i["status"]) for i in accepted] == [
        (drafts[0]["id"], "Điền số thích hợp: …", "reviewed")
    ]
    assert accepted[0]["options"] == drafts[0]["options"] and accepted[0]["quote"] == drafts[0]["quote"]

    # the next session starts at the skipped draft; a bad edit is refused until it is fixed
    stdout = io.StringIO()
    summary = review(directory, io.StringIO("e\n\n\n\n\n\nE\n\n\n\n\na\nr\n"), stdout)
    shown = stdout.getvalue()
    assert f"draft 1/{len(drafts) - 2}: {drafts[2]['id']}" in shown
    assert "must be exactly one letter" in shown
    assert (summary.accepted, summary.rejected) == (0, 1)
    stdout = io.StringIO()
    review(directory, io.StringIO(""), stdout)  # end of input: nothing decided, nothing lost
    assert f"draft 1/{len(drafts) - 3}: {drafts[3]['id']}" in stdout.getvalue()
    progress = yaml.safe_load((directory / "drafts" / "review-progress.yaml").read_text(encoding="utf-8"))
    assert progress["decisions"] == {
        drafts[0]["id"]: "accepted",
        drafts[1]["id"]: "rejected",
        drafts[2]["id"]: "rejected",
    }
    assert [i.id for i in load_bank(directory).items] == [drafts[0]["id"]]


def test_item_ids_must_be_unique_across_documents(tmp_path):
    root = tmp_path / "content"
    for name in ("a-doc", "b-doc"):
        shutil.copytree(SHIPPED, root / "documents" / name)
    with pytest.raises(ContentError, match="item ids must be unique across documents"):
        load_library(root)
    (root / "documents" / "Bad Name").mkdir()
    shutil.copy(SHIPPED / "questions.yaml", root / "documents" / "Bad Name" / "questions.yaml")
    with pytest.raises(ContentError, match="directory name must be"):
        load_library(root)


def study_day(study: StudyService, clock: FakeClock, chat_id: int):
    clock.set(clock.now() + timedelta(days=1))
    group = study.store.group(chat_id)
    rnd = study.start_round(group)
    assert rnd is not None
    study.close(rnd)
    return rnd


@pytest.fixture
def library(tmp_path, monkeypatch):
    new_document(tmp_path / "content", monkeypatch)
    return load_library()


def test_a_group_walks_each_document_and_resumes_where_it_stopped(library, tmp_path):
    store = Store.open(tmp_path / "hpbot.sqlite3")
    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=TZ))
    study = StudyService(store, library, clock, TZ)
    study.subscribe(-7, "Chi bộ 7", "supergroup")
    walk = [(r.document, r.question) for r in (study_day(study, clock, -7) for _ in range(3))]
    assert walk == [("dh-hp-2025", 1), ("dh-hp-2025", 2), ("dh-hp-2025", 3)]
    group = store.group(-7)
    assert group.document == "dh-hp-2025"  # recorded with its first round
    assert study.documents.switch(group, SLUG).outcome is SwitchOutcome.SWITCHED
    walk = [(r.document, r.question) for r in (study_day(study, clock, -7) for _ in range(2))]
    assert walk == [(SLUG, 1), (SLUG, 2)]
    rnd = store.last_round(-7)
    assert study.bank_for(rnd).id == SLUG and study.item(rnd).id.startswith("q02-nq-thu-")
    assert study.documents.switch(store.group(-7), "dh-hp-2025").outcome is SwitchOutcome.SWITCHED
    assert (study_day(study, clock, -7).question, store.last_round(-7).document) == (4, "dh-hp-2025")
    assert study.documents.switch(store.group(-7), SLUG).outcome is SwitchOutcome.SWITCHED
    assert study_day(study, clock, -7).question == 3  # the second document's walk resumes too
    lines = {
        line.id: (line.studied, line.total, line.current) for line in study.documents.listing(store.group(-7))
    }
    assert lines == {"dh-hp-2025": (4, 41, False), SLUG: (3, 3, True)}
    assert study.documents.switch(store.group(-7), SLUG).outcome is SwitchOutcome.ALREADY
    assert study.documents.switch(store.group(-7), "nope").outcome is SwitchOutcome.UNKNOWN
    # rounds are numbered on through both documents: streaks and boards never see the switch
    assert [
        r["seq"] for r in store.db.query("SELECT seq FROM rounds WHERE chat_id = -7 ORDER BY id")
    ] == list(range(1, 8))
    store.close()


def test_a_running_competition_holds_its_groups_to_its_document(library, tmp_path):
    from hpbot.app.competitions import CompetitionService
    from hpbot.domain.competition import CompetitionInputError

    store = Store.open(tmp_path / "hpbot.sqlite3")
    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=TZ))
    study = StudyService(store, library, clock, TZ)
    comps = CompetitionService(store, library, clock, TZ, frozenset({1}))
    study.subscribe(-8, "Chi bộ 8", "supergroup")
    with pytest.raises(CompetitionInputError) as info:
        comps.create("Thi | 01/12/2026 | 03/12/2026 | khong-co", 1)
    assert info.value.reason == "document"
    default = comps.create("Thi mặc định | 01/12/2026 | 03/12/2026", 1)
    assert default.document == "dh-hp-2025"
    comp = comps.create(f"Thi nghị quyết | 01/12/2026 | 03/12/2026 | {SLUG}", 1)
    assert comp.document == SLUG and comps.document_title(comp) == TITLE
    assert comps.join(comp.code, -8)[0].value == "joined"
    assert study_day(study, clock, -8).document == SLUG  # 01/12: the competition's document
    result = study.documents.switch(store.group(-8), "dh-hp-2025")
    assert result.outcome is SwitchOutcome.LOCKED and result.competition.id == comp.id
    assert "chưa thể chuyển" in study.documents.switch_html(result, store.group(-8))
    assert study.documents.buttons(store.group(-8)) == []
    assert study_day(study, clock, -8).document == SLUG
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=TZ))
    comps.end(comps.pick(str(comp.id)))
    assert study_day(study, clock, -8).document == "dh-hp-2025"  # over: back to the group's own choice
    rows = comps.answer_key(comps.pick(str(comp.id)))
    assert rows and all(
        r.stem and r.letter in "ABCD" for r in rows
    )  # the key finds the second document's items
    store.close()


def test_stats_per_document_with_and_without_a_database(library, tmp_path, capsys, monkeypatch):
    import argparse

    monkeypatch.delenv("HPBOT_DB", raising=False)
    parser = argparse.ArgumentParser()
    add_content_commands(parser.add_subparsers(dest="command"))
    assert run_content(parser.parse_args(["content", "stats"])) == 0
    out = capsys.readouterr().out
    assert f"{SLUG}: {TITLE}" in out and "dh-hp-2025:" in out
    assert "items never served: not known (no database" in out
    assert "questions: 3" in out and "correct letter: A" in out

    store = Store.open(tmp_path / "hpbot.sqlite3")
    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=TZ))
    study = StudyService(store, library, clock, TZ)
    study.subscribe(-9, "Chi bộ 9", "supergroup")
    study.documents.switch(store.group(-9), SLUG)
    served = {study_day(study, clock, -9).item_id for _ in range(2)}
    store.close()
    assert served_item_ids(tmp_path / "hpbot.sqlite3") == served
    args = parser.parse_args(["content", "stats", "--db", str(tmp_path / "hpbot.sqlite3")])
    assert run_content(args, served_items=served_item_ids) == 0
    out = capsys.readouterr().out
    total = len(library.get(SLUG).items)
    assert f"items never served: {total - 2} of {total}" in out
    shipped = len(library.get("dh-hp-2025").items)
    assert f"items never served: {shipped} of {shipped}" in out


def test_a_single_document_is_a_library(tmp_path):
    bank = load_bank(SHIPPED)
    assert Library.of(bank).first is bank and Library.of(Library.of(bank)).ids == ("dh-hp-2025",)
    assert load_library(SHIPPED).ids == ("dh-hp-2025",)
    with pytest.raises(ContentError, match="questions.yaml: missing"):
        load_library(tmp_path)


def test_review_refuses_a_distractor_the_answer_states(tmp_path, monkeypatch):
    directory = pipeline(tmp_path / "content", monkeypatch, SLUG, TITLE, "q\n")
    draft = yaml.safe_load((directory / "drafts" / "quiz-draft.yaml").read_text(encoding="utf-8"))["items"][0]
    wrong = next(i for i, o in enumerate(draft["options"]) if o != draft["fact"])
    options = ["43%\n" if i == wrong else "\n" for i in range(4)]  # 43%: what the same answer says of year 2
    stdout = io.StringIO()
    summary = review(directory, io.StringIO("e\n\n" + "".join(options) + "\n" * 5 + "a\nr\n"), stdout)
    assert f"distractor {'ABCD'[wrong]} ('43%') is stated in the official answer" in stdout.getvalue()
    assert (summary.accepted, summary.rejected) == (0, 1)


def test_the_installed_command_reads_served_items_from_the_database(tmp_path, capsys, monkeypatch):
    from hpbot.cli import main

    monkeypatch.delenv("HPBOT_DB", raising=False)
    monkeypatch.delenv("HPBOT_CONTENT", raising=False)
    Store.open(tmp_path / "hpbot.sqlite3").close()  # a database whose groups were served nothing yet
    assert main(["content", "stats", "--db", str(tmp_path / "hpbot.sqlite3")]) == 0
    out = capsys.readouterr().out
    shipped = len(load_bank(SHIPPED).items)
    assert f"items never served: {shipped} of {shipped}" in out
    assert "cannot read the database" not in out
