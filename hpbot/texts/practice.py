"""Texts of private study with the bot: the outline to read, practice, progress, reminders, the member's name."""

from __future__ import annotations

PRIVATE_ONLY = (
    "Lệnh này dùng trong tin nhắn riêng với tôi. Đồng chí bấm vào tên tôi, chọn «Nhắn tin» rồi gửi lại lệnh."
)

# the outline -----------------------------------------------------------------------------------------------
OUTLINE_HEADER = "📖 <b>{title}</b>\n\nChọn phần để đọc câu hỏi và câu trả lời chính thức:"
OUTLINE_PART = "📖 <b>PHẦN {roman}: {title}</b>\n\nChọn câu hỏi:"
PART_BUTTON = "Phần {roman}"
QUESTION_BUTTON = "Câu {number}"
PAGE_MARK = "\n\n<i>Trang {page}/{pages}</i>"
BUTTON_PREVIOUS = "◀ Trang trước"
BUTTON_NEXT_PAGE = "Trang sau ▶"
BUTTON_BACK_PART = "↩ Phần {roman}"
BUTTON_BACK_OUTLINE = "↩ Mục lục"
BUTTON_PRACTISE_QUESTION = "🧠 Ôn tập câu này"
# under a group's reveal, opening the private chat with the bot
BUTTON_READ_ANSWER = "📖 Đọc cả câu trả lời"
BUTTON_PRACTISE_AGAIN = "🔁 Ôn lại câu này"
QUESTION_UNKNOWN = "Không có Câu {number} trong tài liệu <b>{title}</b> (từ Câu 1 đến Câu {last})."
QUESTION_USAGE = "Gửi <code>/cau 12</code> để đọc Câu 12 (số câu từ 1 đến {last})."

# practice ----------------------------------------------------------------------------------------------------
DOCUMENT_LINE = "📚 Tài liệu: <b>{title}</b>"
DOCUMENT_NO_GROUP = " (đồng chí chưa học trong nhóm nào nên tôi chọn tài liệu này)"
DOCUMENT_SEVERAL = " (tài liệu của nhóm đồng chí trả lời gần nhất; có thể chọn tài liệu khác ở dưới)"
DOCUMENT_CHOSEN = " (đồng chí đã chọn)"
DOCUMENT_OTHERS = "\nÔn tài liệu khác: {commands}"
DOCUMENT_COMMAND = "<code>/ontap {code}</code>"
BUTTON_DOCUMENT = "📚 Ôn: {title}"
BUTTON_FOLLOW_GROUP = "↩ Ôn theo tài liệu của nhóm"
FOLLOW_GROUP_WORDS = ("nhom", "nhóm", "group")
DOCUMENT_LIST_LINE = "• <code>{code}</code> — {title}"
DOCUMENT_UNKNOWN = (
    "Không có tài liệu mã <code>{code}</code>. Các tài liệu để ôn tập:\n{documents}\n\n"
    "Gửi <code>/ontap mã-tài-liệu</code> để ôn tài liệu đó, <code>/ontap nhom</code> để ôn theo tài liệu của nhóm."
)
DOCUMENT_EMPTY = "Tài liệu <b>{title}</b> chưa có câu ôn tập nào. Gửi /ontap để ôn tài liệu đang học."
ITEM = "🧠 <b>Ôn tập</b> · {kind}\n{document}\n\n{stem}\n<i>(theo Câu {number} của đề cương)</i>\n\n{options}"
KIND_NEW = "câu mới"
KIND_REVIEW = "ôn lại"
OPTION_LINE = "<b>{letter}.</b> {text}"
RIGHT = "✅ <b>Đúng rồi!</b> Đáp án <b>{letter}. {option}</b>"
WRONG = "❌ <b>Chưa đúng.</b> Đồng chí chọn {chosen}; đáp án đúng là <b>{letter}. {option}</b>"
FEEDBACK = (
    "{verdict}\n\n{explanation}\n\n<blockquote>{quote}</blockquote>\n— trích trả lời chính thức, Câu {number}\n\n"
    "{next}"
)
NEXT_SOON = "🔁 Câu này sẽ quay lại sau {after}."
NEXT_ON = "🔁 Lần ôn tiếp theo: ngày {day}."
BUTTON_NEXT_ITEM = "Câu tiếp theo ▶"
BUTTON_READ = "📖 Đọc Câu {number}"
# answerCallbackQuery texts are plain (no HTML) and at most 200 characters: the option is cut to fit
TOAST_RIGHT = "✅ Đúng rồi! Đáp án {letter}. {option}"
TOAST_WRONG = "❌ Chưa đúng. Đáp án đúng: {letter}. {option}"
# …as a pop-up when many members practise at once and the explanation cannot be shown in the message at once
TOAST_LATER = "\n\nGiải thích và trích dẫn sẽ hiện trong tin nhắn câu hỏi sau khoảng {after}."
TOAST_BUSY = (
    "\n\nNhiều đồng chí đang ôn tập cùng lúc: sau ít phút, bấm lại đáp án để xem giải thích và trích dẫn."
)
TOAST_ANSWERED = "Đồng chí đã trả lời câu này rồi."
TOAST_STALE = "Nút này không còn dùng được. Gửi /ontap để ôn tiếp."
NOTHING_DUE = (
    "🎉 Đồng chí đã ôn hết các câu đến hạn và đã học đủ {limit} câu mới hôm nay.\n"
    "Lần ôn tiếp theo: <b>{when}</b>. Gửi /decuong để đọc đề cương."
)
NOTHING_AT_ALL = "🎉 Đồng chí đã học hết các câu của tài liệu này. Gửi /decuong để đọc lại đề cương."
WHEN_TODAY = "{time} hôm nay"
WHEN_DAY = "{time} ngày {day}"
ITEM_GONE = "Câu ôn tập này không còn trong bộ câu hỏi (đã được biên tập lại). Gửi /ontap để ôn câu khác."
ITEM_OPEN = (
    "Câu này đang là câu hỏi của ngày trong nhóm. Đồng chí trả lời trong nhóm; "
    "sau giờ công bố có thể ôn lại ở đây."
)
LINK_UNKNOWN = "Liên kết này không còn đúng. Gửi /ontap để ôn tập hoặc /decuong để đọc đề cương."

# progress ----------------------------------------------------------------------------------------------------
PROGRESS = (
    "📈 <b>Tiến độ ôn tập</b>\n{document}\n\n"
    "Đã gặp: <b>{seen}</b>/{total} câu trắc nghiệm · thuộc: <b>{mastered}</b> câu\n"
    "Cần ôn ngay: <b>{due}</b> câu · lần ôn tiếp theo: {next}\n\n{parts}\n\n"
    "<i>«Thuộc»: đã nhớ được ít nhất 3 tuần và nhiều khả năng vẫn nhớ hôm nay.</i>"
)
PROGRESS_PART = "Phần {roman}: {seen}/{total} đã gặp, {mastered} thuộc"
PROGRESS_NONE = "Đồng chí chưa ôn câu nào. Gửi /ontap để bắt đầu."
NEXT_NONE = "chưa có"
CHART_TITLE = "Tiến độ ôn tập theo phần"
CHART_SEEN = "Đã gặp"
CHART_MASTERED = "Thuộc"
CHART_TOTAL = "Số câu"

# reminders ---------------------------------------------------------------------------------------------------
REMINDER = "⏰ Hôm nay đồng chí có <b>{count}</b> câu để ôn tập (câu đến hạn ôn lại và câu mới). Gửi /ontap để bắt đầu."
REMINDER_SET = "✅ Tôi sẽ nhắc đồng chí ôn tập lúc <b>{time}</b> hằng ngày. Tắt: <code>/nhac tat</code>"
REMINDER_OFF = "🔕 Đã tắt lời nhắc ôn tập hằng ngày."
REMINDER_SHOW = (
    "⏰ Lời nhắc ôn tập: <b>{time}</b> hằng ngày. Đổi: <code>/nhac 19:30</code>; tắt: <code>/nhac tat</code>"
)
REMINDER_NONE = (
    "Đồng chí chưa đặt lời nhắc. Gửi <code>/nhac 19:30</code> để được nhắc ôn tập lúc 19:30 hằng ngày."
)
REMINDER_BAD = (
    "⚠️ Giờ nhắc viết dạng giờ:phút, theo 24 giờ, ví dụ <code>/nhac 19:30</code>; tắt: <code>/nhac tat</code>."
)
OFF_WORDS = ("tat", "tắt", "off")

# the member's name -------------------------------------------------------------------------------------------
NAME_SET = "✅ Đã ghi họ và tên của đồng chí: <b>{name}</b>. Tên này dùng trong báo cáo và giấy chứng nhận."
NAME_SHOW = "Họ và tên trong báo cáo: <b>{name}</b>. Đổi: <code>/hoten Nguyễn Văn A</code>"
NAME_USAGE = (
    "Gửi <code>/hoten Nguyễn Văn A</code> để ghi họ và tên đầy đủ dùng trong báo cáo và giấy chứng nhận."
)
NAME_BAD = "Họ và tên cần từ 2 đến {limit} ký tự, chỉ gồm chữ, dấu cách và dấu gạch nối."

START_LINK_HINT = "Gửi /ontap để ôn tập, /decuong để đọc đề cương, /tiendo để xem tiến độ."
