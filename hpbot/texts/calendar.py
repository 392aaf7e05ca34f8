"""The study calendar (/lich, /tamdung), the reminder before the reveal (/nhacnho) and its private alert. HTML
unless said otherwise; placeholders are filled with escaped values only."""

from __future__ import annotations

# /lich ----------------------------------------------------------------------------------------------------------
DAYS_EVERY = "mọi ngày trong tuần (T2-CN)"
CALENDAR = (
    "📅 <b>Lịch học của nhóm</b>\n"
    "Ngày học: <b>{days}</b>\n"
    "{pauses}\n\n"
    "Đổi ngày học: /lich T2-T6 (hoặc /lich T2,T4,T6 · /lich moi ngay)\n"
    "Tạm dừng: /tamdung 25/01/2027 05/02/2027 · Bỏ tạm dừng: /tamdung xoa"
)
PAUSES_NONE = "Tạm dừng: không có."
PAUSES_HEADER = "Tạm dừng:"
PAUSE_LINE = "• {first} – {last}"
PAUSE_LINE_ONE_DAY = "• {first}"
DAYS_SAVED = (
    "✅ Đã lưu lịch học: <b>{days}</b>.\n"
    "Những ngày không học, nhóm không có câu hỏi; chuỗi ngày của các đồng chí không bị ngắt."
)
DAYS_BAD = (
    "⚠️ Chưa rõ ngày học. Đồng chí ghi các thứ trong tuần: T2 … T7, CN, nối bằng dấu gạch ngang hoặc "
    "cách nhau bởi dấu phẩy. Ví dụ: /lich T2-T6 · /lich T2,T4,T6 · /lich moi ngay\n"
    "Lịch học chưa thay đổi."
)

# /tamdung ---------------------------------------------------------------------------------------------------------
PAUSE_SAVED = (
    "⏸ Đã tạm dừng từ <b>{first}</b> đến hết <b>{last}</b>: trong những ngày này nhóm không có câu hỏi, "
    "lời nhắc và bản tin tuần; chuỗi ngày của các đồng chí không bị ngắt.\nBỏ tạm dừng: /tamdung xoa"
)
PAUSE_SAVED_ONE_DAY = (
    "⏸ Đã tạm dừng ngày <b>{first}</b>: hôm đó nhóm không có câu hỏi; chuỗi ngày của các đồng chí không "
    "bị ngắt.\nBỏ tạm dừng: /tamdung xoa"
)
PAUSE_LIST = "⏸ <b>Tạm dừng của nhóm</b>\n{lines}\n\nThêm: /tamdung 25/01/2027 05/02/2027 · Bỏ: /tamdung xoa"
PAUSE_LIST_NONE = (
    "Nhóm không có ngày tạm dừng nào sắp tới.\n"
    "Thêm: /tamdung &lt;ngày bắt đầu&gt; &lt;ngày kết thúc&gt;, ví dụ /tamdung 25/01/2027 05/02/2027"
)
PAUSE_CLEARED = "▶️ Đã bỏ {count} đợt tạm dừng. Nhóm học lại theo lịch: <b>{days}</b>."
PAUSE_CLEARED_NONE = "Nhóm không có đợt tạm dừng nào để bỏ."
PAUSE_CLEAR_WORDS = ("xoa", "xóa", "xoá", "bo", "bỏ", "huy", "hủy", "clear", "delete")
_PAUSE_EXAMPLE = "Ví dụ: /tamdung 25/01/2027 05/02/2027 (một ngày: /tamdung 25/01/2027)."
PAUSE_ERRORS = {
    "date": "⚠️ Ngày chưa đúng. Đồng chí ghi ngày bắt đầu và ngày kết thúc dạng ngày/tháng/năm. "
    + _PAUSE_EXAMPLE,
    "order": "⚠️ Ngày kết thúc phải bằng hoặc sau ngày bắt đầu. " + _PAUSE_EXAMPLE,
    "past": "⚠️ Những ngày này đã qua. Đồng chí ghi một đợt tạm dừng từ hôm nay trở đi. " + _PAUSE_EXAMPLE,
    "long": "⚠️ Một đợt tạm dừng dài nhất một năm. " + _PAUSE_EXAMPLE,
}
PAUSE_UNCHANGED = "\nLịch học chưa thay đổi."

# /guingay on a day off -----------------------------------------------------------------------------------------
DAY_OFF_WEEKDAY = (
    "📅 Hôm nay ({weekday}, {date}) là ngày nghỉ theo lịch học của nhóm (<b>{days}</b>), nên không có câu hỏi. "
    "Xem hoặc đổi lịch: /lich"
)
DAY_OFF_PAUSE = (
    "⏸ Nhóm đang tạm dừng từ {first} đến hết {last}, nên hôm nay không có câu hỏi. Bỏ tạm dừng: /tamdung xoa"
)

# /nhacnho ---------------------------------------------------------------------------------------------------------
REMINDER_STATE = (
    "⏰ Nhắc cả nhóm trước giờ công bố đáp án: <b>{lead}</b> (lúc {at}, giờ công bố {reveal}).\n"
    "Đổi: /nhacnho 60 · Tắt: /nhacnho tat"
)
REMINDER_STATE_NO_TIME = (
    "⏰ Nhắc cả nhóm trước giờ công bố đáp án: <b>{lead}</b>.\nĐổi: /nhacnho 60 · Tắt: /nhacnho tat"
)
REMINDER_STATE_OFF = "🔕 Lời nhắc trước giờ công bố đang tắt.\nBật: /nhacnho 120 (số phút trước giờ công bố)"
REMINDER_SAVED = "✅ Đã lưu: nhắc cả nhóm <b>{lead}</b> trước giờ công bố, tức lúc <b>{at}</b> mỗi ngày học."
REMINDER_SAVED_NO_TIME = "✅ Đã lưu: nhắc cả nhóm <b>{lead}</b> trước giờ công bố."
REMINDER_SAVED_OFF = "🔕 Đã tắt lời nhắc trước giờ công bố. Bật lại: /nhacnho 120"
REMINDER_BEFORE_POST = (
    "\n⚠️ Giờ nhắc sớm hơn giờ đăng câu hỏi ({post}), nên sẽ không có lời nhắc. "
    "Đồng chí chọn ít phút hơn, hoặc đổi giờ đăng: /caidat."
)
REMINDER_BAD = (
    "⚠️ Chưa rõ số phút. Đồng chí ghi số phút trước giờ công bố (từ 1 đến {max}), ví dụ /nhacnho 60; "
    "tắt lời nhắc: /nhacnho tat.\nCài đặt chưa thay đổi."
)

# the reminder in the group ------------------------------------------------------------------------------------
REMINDER = (
    "⏰ Còn <b>{left}</b> nữa là công bố đáp án câu hỏi hôm nay (lúc {reveal}).\n"
    "Đã trả lời: <b>{share}</b>.\n"
    "Đồng chí nào chưa trả lời, mời bấm A/B/C/D dưới câu hỏi."
)
REMINDER_LINK = '\n<a href="{url}">👉 Xem câu hỏi</a>'
REMINDER_BUTTON = "🔔 Tôi đã trả lời chưa?"

# the reminder button's private alert (answerCallbackQuery: plain text, at most 200 characters) -----------------
CHECK_ANSWERED = (
    "✅ Đồng chí đã trả lời câu hỏi hôm nay (chọn {letter}). Đáp án và kết quả công bố lúc {reveal}."
)
CHECK_ANSWERED_STREAK = " Chuỗi ngày của đồng chí sẽ là {streak} ngày."
CHECK_NOT_ANSWERED = (
    "Đồng chí chưa trả lời câu hỏi hôm nay. Mời đồng chí bấm A/B/C/D dưới câu hỏi trước {reveal}."
)
CHECK_STREAK_AT_STAKE = (
    "⚠️ Đồng chí chưa trả lời câu hỏi hôm nay. Chuỗi {streak} ngày của đồng chí sẽ bị ngắt nếu chưa trả lời "
    "trước {reveal}. Mời bấm A/B/C/D dưới câu hỏi."
)
CHECK_CLOSED = (
    "Câu hỏi này đã được công bố đáp án. Kết quả của đồng chí: nút «📋 Kết quả của tôi» dưới kết quả."
)
CHECK_GONE = "Nút này không còn hiệu lực."

# a member's own result (the results' button), when today's question is open and unanswered -----------------------
RESULT_STREAK_AT_STAKE = (
    " ⚠️ Hôm nay đồng chí chưa trả lời: chuỗi {streak} ngày sẽ bị ngắt nếu chưa trả lời trước {reveal}."
)

# the calendar's lines in /caidat ---------------------------------------------------------------------------------
SETTINGS_CALENDAR = "Ngày học: <b>{days}</b> (đổi: /lich){pauses}\n{reminder}"
SETTINGS_PAUSES = "\nTạm dừng:\n{lines}"
SETTINGS_REMINDER = "Nhắc trước giờ công bố: <b>{lead}</b>, lúc {at} (đổi: /nhacnho)"
SETTINGS_REMINDER_OFF = "Nhắc trước giờ công bố: tắt (bật: /nhacnho 120)"
