"""Every message the bot sends, as Telegram HTML built from hpbot.texts. Every piece of content and every name
passes through html.escape here."""

from __future__ import annotations

import re
from html import escape

from hpbot import texts
from hpbot.app.competitions import Board, Bulletin, Standings
from hpbot.content import Bank, Question, QuizItem
from hpbot.domain.competition import GroupTotals
from hpbot.domain.ranking import Standing
from hpbot.format import LETTERS, day, elapsed, number, short, utf16_len
from hpbot.store import Round, RoundAnswer
from hpbot.store.competitions import Competition, MemberTotals

MESSAGE_LIMIT = 4096
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


def citation(bank: Bank, question: Question) -> str:
    part = bank.part(question.part)
    return texts.CITATION.format(number=question.number, roman=part.roman, part_title=part.title)


def question_post(bank: Bank, rnd: Round, reveal_hhmm: str, *, count: int = 0, closed: bool = False) -> str:
    """The question of the day, open (count of answers) or closed (right option marked)."""
    question = bank.question(rnd.question)
    item = bank.item(rnd.item_id)
    lines = []
    for index, option in enumerate(item.options):
        template = texts.OPTION_LINE_RIGHT if closed and index == item.answer else texts.OPTION_LINE
        lines.append(template.format(letter=LETTERS[index], text=escape(option)))
    text = texts.QUESTION_HEADER.format(
        date=day(rnd.study_date), citation=escape(citation(bank, question)), question=escape(question.text)
    ) + texts.QUESTION_BODY.format(stem=escape(item.stem), options="\n".join(lines))
    if closed:
        return text + texts.QUESTION_FOOTER_CLOSED.format(letter=LETTERS[item.answer], count=count)
    return text + texts.QUESTION_FOOTER_OPEN.format(reveal=reveal_hhmm, count=count)


def official_answer(bank: Bank, question: Question, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The official answer, verbatim and escaped, cut at paragraph boundaries into messages within `limit`."""
    cite = escape(citation(bank, question))
    first = texts.ANSWER_HEADER.format(citation=cite, question=escape(question.text))
    more = texts.ANSWER_CONTINUED.format(citation=cite)
    return pack(first, more, [escape(p) for p in question.paragraphs()], limit)


def pack(first_header: str, next_header: str, paragraphs: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Greedy packing of paragraphs into messages; a paragraph longer than a message is cut at sentence ends."""
    pieces: list[str] = []
    for paragraph in paragraphs:
        pieces.extend(_cut(paragraph, limit - utf16_len(next_header) - 1))
    messages: list[str] = []
    current = first_header
    for piece in pieces:
        candidate = current + "\n" + piece
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        messages.append(current)
        current = next_header + "\n" + piece
    messages.append(current)
    return messages


def _cut(paragraph: str, room: int) -> list[str]:
    if utf16_len(paragraph) <= room:
        return [paragraph]
    out, current = [], ""
    for sentence in re.split(r"(?<=[.;:!?])\s+", paragraph):
        while utf16_len(sentence) > room:  # no sentence end in reach: cut at a space, never inside an entity
            cut = sentence.rfind(" ", 0, room)
            cut = cut if cut > 0 else room
            while (
                "&" in sentence[max(0, cut - 6) : cut]
                and ";" not in sentence[sentence.rfind("&", 0, cut) : cut]
            ):
                cut -= 1
            out.append((current + " " + sentence[:cut]).strip() if current else sentence[:cut])
            current, sentence = "", sentence[cut:].lstrip()
        candidate = f"{current} {sentence}".strip()
        if utf16_len(candidate) <= room:
            current = candidate
        else:
            out.append(current)
            current = sentence
    if current:
        out.append(current)
    return out


def results(item: QuizItem, rnd: Round, answers: list[RoundAnswer], top: int = 5) -> str:
    right = [a for a in answers if a.correct]
    text = texts.RESULTS.format(
        date=day(rnd.study_date),
        answered=len(answers),
        right=len(right),
        letter=LETTERS[item.answer],
        option=escape(item.correct_option),
        explanation=escape(item.explanation),
    )
    if not answers:
        return text + texts.RESULTS_NONE
    if right:
        lines = [
            texts.RESULTS_FASTEST_LINE.format(
                rank=i + 1, name=escape(a.name), elapsed=elapsed(a.elapsed_ms), points=a.points
            )
            for i, a in enumerate(sorted(right, key=lambda a: (a.elapsed_ms, a.user_id))[:top])
        ]
        text += texts.RESULTS_FASTEST.format(lines="\n".join(lines))
    return text + texts.RESULTS_FOOTER


def board_line(rank: int, s: Standing) -> str:
    medal = MEDALS.get(rank, f"{rank}.")
    return texts.BOARD_LINE.format(medal=medal, name=escape(s.name), points=s.points, streak=s.streak)


def board(title: str, ranked: list[tuple[int, Standing]], caller_id: int | None, top: int = 10) -> str:
    if not ranked:
        return texts.BOARD_HEADER.format(title=title) + "\n" + texts.BOARD_EMPTY
    lines = [board_line(r, s) for r, s in ranked[:top]]
    text = texts.BOARD_HEADER.format(title=title) + "\n".join(lines)
    mine = next(((r, s) for r, s in ranked[top:] if s.user_id == caller_id), None)
    if mine:
        text += texts.BOARD_SELF.format(line=board_line(*mine))
    return text


# competitions -------------------------------------------------------------------------------------------------
def competition_created(comp: Competition) -> str:
    return texts.COMP_CREATED.format(
        name=escape(comp.name), id=comp.id, start=day(comp.start), end=day(comp.end), code=comp.code
    )


def competition_list(items: list[tuple[Competition, int]]) -> str:
    if not items:
        return texts.COMP_NONE
    lines = [
        texts.COMP_LIST_LINE.format(
            id=c.id,
            name=escape(short(c.name, 80)),
            start=day(c.start),
            end=day(c.end),
            status=texts.COMP_STATUS.get(c.status, c.status),
            code=c.code,
            groups=n,
        )
        for c, n in items
    ]
    return fit(texts.COMP_LIST_HEADER, lines, texts.COMP_LIST_FOOTER)


def fit(header: str, lines: list[str], footer: str = "", limit: int = MESSAGE_LIMIT) -> str:
    """Header, as many lines as fit in one message, footer."""
    text = header
    for index, line in enumerate(lines):
        more = texts.COMP_RESULTS_MORE.format(count=len(lines) - index)
        if utf16_len(text + line + "\n" + more + footer) > limit:
            return text + more + footer
        text += line + "\n"
    return text.rstrip("\n") + footer


def member_line(rank: int, m: MemberTotals) -> str:
    return texts.COMP_BOARD_LINE.format(
        medal=MEDALS.get(rank, f"{rank}."),
        name=escape(short(m.standing.name, 40)),
        group=escape(short(m.group_title, 40)),
        points=m.standing.points,
    )


def group_line(rank: int, g: GroupTotals) -> str:
    return texts.COMP_GROUP_LINE.format(
        medal=MEDALS.get(rank, f"{rank}."),
        group=escape(short(g.title, 50)),
        rate=number(100 * g.participation),
        mean=number(g.mean_points),
    )


def competition_board(board: Board) -> str:
    comp = board.competition
    text = texts.COMP_BOARD_HEADER.format(
        name=escape(comp.name),
        start=day(comp.start),
        end=day(comp.end),
        status=texts.COMP_STATUS.get(comp.status, comp.status),
        groups=board.groups,
    )
    if not board.top:
        text += texts.COMP_BOARD_NO_SCORES
    else:
        text += "\n".join(member_line(r, m) for r, m in board.top)
        if board.mine:
            text += texts.COMP_BOARD_SELF.format(line=member_line(*board.mine))
    if board.group:
        rank_, g = board.group
        text += texts.COMP_BOARD_GROUP.format(
            group=escape(short(g.title, 60)),
            rank=rank_,
            total=board.groups,
            rate=number(100 * g.participation),
            answers=g.answers,
            possible=g.member_days,
            mean=number(g.mean_points),
        )
    return text + texts.COMP_BOARD_RULE


def competition_results(st: Standings, top_groups: int = 20, top_members: int = 10) -> str:
    comp = st.competition
    header = texts.COMP_RESULTS_HEADER.format(
        name=escape(comp.name),
        id=comp.id,
        start=day(comp.start),
        end=day(comp.end),
        status=texts.COMP_STATUS.get(comp.status, comp.status),
        groups=len(st.groups),
        members=len(st.members),
    )
    if not st.groups:
        return header + texts.COMP_RESULTS_EMPTY.format(code=comp.code)
    groups = [group_line(r, g) for r, g in st.groups[:top_groups]]
    if len(st.groups) > top_groups:
        groups.append(texts.COMP_RESULTS_MORE.format(count=len(st.groups) - top_groups))
    members = [member_line(r, m) for r, m in st.members[:top_members]] or [texts.COMP_BOARD_NO_SCORES]
    body = "\n".join(groups) + texts.COMP_RESULTS_MEMBERS + "\n".join(members)
    return fit(header, body.split("\n"), texts.COMP_RESULTS_FOOTER.format(id=comp.id))


def bulletin(b: Bulletin) -> str:
    comp, g = b.competition, b.group
    text = texts.BULLETIN.format(
        start=day(b.week_start)[:5],
        end=day(b.week_end),
        name=escape(comp.name),
        answers=g.answers if g else 0,
        possible=g.member_days if g else 0,
        rate=number(100 * g.participation) if g else "0",
        rank=b.rank or "–",
        total=b.total_groups,
        mean=number(g.mean_points) if g else "0",
    )
    if b.top_members:
        text += texts.BULLETIN_TOP.format(
            lines="\n".join(
                texts.BULLETIN_TOP_LINE.format(
                    medal=MEDALS.get(r, f"{r}."),
                    name=escape(short(m.standing.name, 40)),
                    points=m.standing.points,
                )
                for r, m in b.top_members
            )
        )
    if b.answer_key:
        text += texts.BULLETIN_KEY.format(
            lines="\n".join(
                texts.BULLETIN_KEY_LINE.format(
                    date=day(k.study_date)[:5],
                    question=k.question,
                    letter=k.letter,
                    option=escape(short(k.option, 160)),
                )
                for k in b.answer_key
            )
        )
    else:
        text += texts.BULLETIN_NO_DAYS
    return text + texts.BULLETIN_FOOTER
