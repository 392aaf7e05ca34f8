"""Every message the bot sends, as Telegram HTML built from hpbot.texts. Every piece of content and every name
passes through html.escape here."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from html import escape, unescape

from hpbot import texts
from hpbot.app.competitions import Board, Bulletin, Standings
from hpbot.app.contest_calendar import describe
from hpbot.app.ports import Keyboard
from hpbot.content import Bank, Question, QuizItem
from hpbot.content.display import for_display
from hpbot.content.model import AnswerBlock
from hpbot.domain import shuffle
from hpbot.domain.calendar import decode
from hpbot.domain.competition import GroupTotals
from hpbot.domain.ranking import Standing
from hpbot.format import LETTERS, after, day, message_link, number, short, utf16_len
from hpbot.store import Round, RoundAnswer
from hpbot.store.competitions import Competition, MemberTotals
from hpbot.texts import predictions as pred_texts

MESSAGE_LIMIT = 4096
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
HEADING_MAX = 160  # a numbered block this short is a sub-heading, set in bold whole
EXPANDABLE_FROM = 700  # an answer longer than this (visible characters) opens collapsed
_TAG = re.compile(r"<[^>]+>")


def citation(bank: Bank, question: Question) -> str:
    part = bank.part(question.part)
    return texts.CITATION.format(number=question.number, roman=part.roman, part_title=part.title)


def shown_order(rnd: Round) -> shuffle.Order:
    """The order in which the round shows its options (rounds made before the shuffle keep the bank's)."""
    return shuffle.order(rnd.id, rnd.item_id) if rnd.shuffled else shuffle.BANK_ORDER


def shown_letter(rnd: Round, option: int) -> str:
    """The letter the group saw for the bank's option `option`."""
    return LETTERS[shuffle.position(shown_order(rnd), option)]


def keyboard(rnd: Round) -> Keyboard:
    """The answer buttons, one row A B C D: each button carries the bank's index of the option it stands for, so
    a tap means the same option whatever order the post shows."""
    return {
        "inline_keyboard": [
            [
                {"text": LETTERS[position], "callback_data": f"a:{rnd.id}:{option}"}
                for position, option in enumerate(shown_order(rnd))
            ]
        ]
    }


def results_keyboard(round_id: int, links: Sequence[dict[str, str]] = ()) -> Keyboard:
    """The buttons under the results: each member who taps the first sees their own result, privately; `links`
    (a second row) open the private chat with the bot at the whole official answer and at practice of the item."""
    rows: list[list[dict[str, str]]] = [[{"text": texts.MY_RESULT_BUTTON, "callback_data": f"r:{round_id}"}]]
    if links:
        rows.append(list(links))
    return {"inline_keyboard": rows}


def me_keyboard() -> Keyboard:
    return {"inline_keyboard": [[{"text": texts.ME_BUTTON, "callback_data": "m"}]]}


def question_post(bank: Bank, rnd: Round, reveal_hhmm: str, *, count: int = 0, closed: bool = False) -> str:
    """The question of the day, open (count of answers) or closed (right option marked): the outline question is
    the topic, the quiz question the one to answer."""
    question = bank.question(rnd.question)
    item = bank.item(rnd.item_id)
    lines = []
    for position, option in enumerate(shown_order(rnd)):
        template = texts.OPTION_LINE_RIGHT if closed and option == item.answer else texts.OPTION_LINE
        lines.append(template.format(letter=LETTERS[position], text=escape(item.options[option])))
    text = texts.QUESTION_HEADER.format(
        date=day(rnd.study_date), number=question.number, question=escape(question.text)
    ) + texts.QUESTION_BODY.format(stem=escape(item.stem), options="\n".join(lines))
    if closed:
        return text + texts.QUESTION_FOOTER_CLOSED.format(letter=shown_letter(rnd, item.answer), count=count)
    return text + texts.QUESTION_FOOTER_OPEN.format(reveal=reveal_hhmm, count=count)


def _block(bank: Bank, question: Question, block: AnswerBlock) -> str:
    """One block of the official answer as a member reads it (errata and spacing applied on display): a numbered
    or lettered sub-heading in bold."""
    text = escape(for_display(block.text, bank.errata, question.number))
    marker = escape(block.marker)
    if block.kind == "numbered" and marker:
        heading = utf16_len(block.text) <= HEADING_MAX
        return f"<b>{marker} {text}</b>" if heading else f"<b>{marker}</b> {text}"
    return f"{marker} {text}" if marker else text


def official_answer(bank: Bank, question: Question, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The official answer in as few messages as Telegram's limit allows, each part marked (1/2), the part title
    once; a long answer sits in an expandable quotation, so the group sees a few lines and taps to read on."""
    part = bank.part(question.part)
    blocks = [_block(bank, question, b) for b in question.answer]
    expandable = sum(visible_len(b) for b in blocks) > EXPANDABLE_FROM
    wrap_open, wrap_close = ("<blockquote expandable>", "</blockquote>") if expandable else ("", "")

    def header(index: int, total: int) -> str:
        mark = texts.ANSWER_PART_MARK.format(index=index, total=total) if total > 1 else ""
        if index == 1:
            return texts.ANSWER_HEADER.format(
                number=question.number,
                mark=mark,
                roman=escape(part.roman),
                part_title=escape(part.title),
                question=escape(question.text),
            )
        return texts.ANSWER_CONTINUED.format(number=question.number, mark=mark)

    # packed with the widest marks first, then written with the real count (the count cannot grow: same widths)
    widest = len(blocks) + 1
    bodies = pack_bodies(
        [header(1, widest), header(2, widest)], blocks, limit - visible_len(wrap_open + wrap_close)
    )
    total = len(bodies)
    return [header(i + 1, total) + wrap_open + body + wrap_close for i, body in enumerate(bodies)]


def visible_len(html: str) -> int:
    """What Telegram counts against its limit: the text after entity parsing, in UTF-16 units."""
    return utf16_len(unescape(_TAG.sub("", html)))


def pack_bodies(headers: list[str], pieces: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Greedy packing of pieces (HTML without open tags across pieces) into message bodies: the first message
    after headers[0], the others after headers[1]; a piece longer than a message is cut at sentence ends."""
    room = limit - max(visible_len(h) for h in headers) - 1
    cut: list[str] = []
    for piece in pieces:
        cut.extend(_cut(piece, room) if visible_len(piece) > room else [piece])
    bodies: list[str] = []
    current = ""
    for piece in cut:
        candidate = f"{current}\n{piece}" if current else piece
        if visible_len(candidate) <= room:
            current = candidate
            continue
        bodies.append(current)
        current = piece
    bodies.append(current)
    return bodies


def pack(first_header: str, next_header: str, paragraphs: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Greedy packing of paragraphs into messages; a paragraph longer than a message is cut at sentence ends."""
    bodies = pack_bodies([first_header, next_header], paragraphs, limit)
    return [(first_header if i == 0 else next_header) + "\n" + body for i, body in enumerate(bodies)]


def _cut(paragraph: str, room: int) -> list[str]:
    """A paragraph too long for one message, cut at sentence ends (bold is dropped: a tag must not be cut)."""
    paragraph = _TAG.sub("", paragraph)
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


def share(part: int, whole: int | None) -> str:
    """'4/12 đồng chí (33%)', or '4 đồng chí' while the members were not counted."""
    if not whole:
        return texts.SHARE_UNCOUNTED.format(part=part)
    return texts.SHARE.format(part=part, whole=whole, rate=number(100 * part / whole, 0))


def results(
    item: QuizItem,
    rnd: Round,
    answers: list[RoundAnswer],
    top: int = 5,
    milestones: list[tuple[str, int]] | None = None,
) -> str:
    """The day's results: the right option, how many of the cell answered and how the letters split, the fastest
    right answers, streak milestones; each member's own result is one tap away (the button)."""
    right = [a for a in answers if a.correct]
    order = shown_order(rnd)
    text = texts.RESULTS.format(
        date=day(rnd.study_date),
        letter=shown_letter(rnd, item.answer),
        option=escape(item.correct_option),
        explanation=escape(item.explanation),
    )
    if not answers:
        return text + texts.RESULTS_NONE.format(date=day(rnd.study_date))
    chosen = Counter(a.option for a in answers)
    split = " · ".join(
        texts.RESULTS_SPLIT_PART.format(letter=LETTERS[pos], count=chosen.get(option, 0))
        for pos, option in enumerate(order)
    )
    text += texts.RESULTS_COUNTS.format(
        answered=share(len(answers), rnd.member_count), right=len(right), split=split
    )
    if right:
        lines = [
            texts.RESULTS_FASTEST_LINE.format(
                rank=i + 1, name=escape(a.name), after=after(a.elapsed_ms), points=a.points
            )
            for i, a in enumerate(sorted(right, key=lambda a: (a.elapsed_ms, a.user_id))[:top])
        ]
        text += texts.RESULTS_FASTEST.format(lines="\n".join(lines))
    if milestones:
        text += texts.RESULTS_MILESTONES.format(
            lines="\n".join(
                texts.RESULTS_MILESTONE_LINE.format(name=escape(short(name, 40)), days=days)
                for name, days in milestones
            )
        )
    return text + texts.RESULTS_FOOTER


def _links(rnd: Round, answer_message: int | None) -> str:
    post = message_link(rnd.chat_id, rnd.message_id) if rnd.message_id is not None else None
    answer = message_link(rnd.chat_id, answer_message) if answer_message is not None else None
    links = []
    if post:
        links.append(texts.LINK.format(url=escape(post), label=texts.LINK_POST))
    if answer:
        links.append(texts.LINK.format(url=escape(answer), label=texts.LINK_ANSWER))
    return texts.LINKS.format(links=" · ".join(links)) if links else ""


def look_back(bank: Bank, rnd: Round, answer_message: int | None) -> str:
    """/homqua: a past day's question, the right option as the group saw it, and links to the post and answer."""
    question = bank.question(rnd.question)
    item = bank.item(rnd.item_id)
    return texts.LOOK_BACK.format(
        date=day(rnd.study_date),
        number=question.number,
        question=escape(question.text),
        stem=escape(item.stem),
        letter=shown_letter(rnd, item.answer),
        option=escape(item.correct_option),
    ) + _links(rnd, answer_message)


def today_closed(rnd: Round, answer_message: int | None, post_time: str) -> str:
    return texts.TODAY_POINTER_CLOSED.format(post=post_time) + _links(rnd, answer_message)


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
        contest=texts.contest(escape(comp.name)),
        id=comp.id,
        start=day(comp.start),
        end=day(comp.end),
        code=comp.code,
        reveal=comp.reveal_time or "—",
        days=describe(decode(comp.study_days)),
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
        group=escape(short(m.group_title, 80)),
        points=m.standing.points,
    )


def group_line(rank: int, g: GroupTotals) -> str:
    return texts.COMP_GROUP_LINE.format(
        medal=MEDALS.get(rank, f"{rank}."),
        group=escape(short(g.title, 80)),
        rate=number(100 * g.participation),
        mean=number(g.mean_points),
    )


def competition_board(board: Board, extra_html: str = "") -> str:
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
            group=escape(short(g.title, 80)),
            rank=rank_,
            total=board.groups,
            rate=number(100 * g.participation),
            answers=g.counted,
            possible=g.possible,
            mean=number(g.mean_points),
        )
    return text + extra_html + texts.COMP_BOARD_RULE + pred_texts.RULE


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
        answers=g.counted if g else 0,
        possible=g.possible if g else 0,
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
