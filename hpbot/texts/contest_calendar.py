"""A competition's own study calendar (/cuocthi_lich): the organizer's command, the lines members and secretaries
read about it, and the refusals of a group's /lich and /tamdung while the competition runs. HTML; placeholders are
filled with escaped values only ({contest} is `hpbot.texts.contest` of an escaped name)."""

from __future__ import annotations

# the organizer: /cuocthi_lich N [T2-T6 | tamdung dd/mm/yyyy dd/mm/yyyy | tamdung xoa] -------------------------
PAUSE_WORDS = ("tamdung", "tạmdừng", "tạm_dừng", "nghi", "nghỉ", "pause")
SHOW = (
    "📅 <b>Lịch thi</b> của {contest}\n"
    "Ngày thi: <b>{days}</b>\n"
    "{pauses}\n\n"
    "Trong thời gian cuộc thi, mọi chi bộ dự thi học theo lịch này (thay cho lịch riêng /lich của nhóm): ngày thi "
    "thì có câu hỏi, ngày nghỉ thì không; chỉ những ngày thi được tính vào cuộc thi.\n"
    "Đổi ngày thi: <code>/cuocthi_lich {id} T2-T6</code> (hoặc <code>T2,T4,T6</code> · <code>moi ngay</code>)\n"
    "Ngày nghỉ chung: <code>/cuocthi_lich {id} tamdung 01/01/2027 03/01/2027</code> · "
    "bỏ: <code>/cuocthi_lich {id} tamdung xoa</code>"
)
PAUSES_NONE = "Ngày nghỉ chung: không có."
PAUSES_HEADER = "Ngày nghỉ chung:"
DAYS_SAVED = (
    "✅ Đã lưu lịch thi của {contest}: <b>{days}</b>.\n"
    "Mọi chi bộ dự thi có câu hỏi vào những ngày này, kể cả khi lịch riêng của nhóm nghỉ; ngày khác thì không. "
    "Điểm và tỷ lệ tham gia của cuộc thi đã được tính lại theo lịch mới."
)
DAYS_BAD = (
    "⚠️ Chưa rõ ngày thi «{typed}». Đồng chí ghi các thứ trong tuần: T2 … T7, CN, nối bằng dấu gạch ngang hoặc "
    "cách nhau bởi dấu phẩy. Ví dụ: <code>/cuocthi_lich {id} T2-T6</code> · "
    "<code>/cuocthi_lich {id} moi ngay</code>\nLịch thi chưa thay đổi."
)
PAUSE_SAVED = (
    "⏸ {contest} nghỉ chung từ <b>{first}</b> đến hết <b>{last}</b>: những ngày này không chi bộ nào có câu hỏi "
    "và không được tính vào cuộc thi.\nBỏ: <code>/cuocthi_lich {id} tamdung xoa</code>"
)
PAUSE_SAVED_ONE_DAY = (
    "⏸ {contest} nghỉ chung ngày <b>{first}</b>: hôm đó không chi bộ nào có câu hỏi và ngày đó không được tính "
    "vào cuộc thi.\nBỏ: <code>/cuocthi_lich {id} tamdung xoa</code>"
)
PAUSE_LIST_NONE = (
    "{contest} không có ngày nghỉ chung nào sắp tới.\n"
    "Thêm: <code>/cuocthi_lich {id} tamdung 01/01/2027 03/01/2027</code> (một ngày: "
    "<code>/cuocthi_lich {id} tamdung 01/01/2027</code>)"
)
PAUSE_CLEARED = "▶️ Đã bỏ {count} đợt nghỉ chung của {contest}. Ngày thi: <b>{days}</b>."
PAUSE_CLEARED_NONE = "{contest} không có đợt nghỉ chung nào để bỏ."
_PAUSE_EXAMPLE = "Ví dụ: <code>/cuocthi_lich {id} tamdung 01/01/2027 03/01/2027</code>."
PAUSE_ERRORS = {
    "date": "⚠️ Ngày nghỉ chưa đúng. Đồng chí ghi ngày bắt đầu và ngày kết thúc dạng ngày/tháng/năm. "
    + _PAUSE_EXAMPLE,
    "order": "⚠️ Ngày kết thúc phải bằng hoặc sau ngày bắt đầu. " + _PAUSE_EXAMPLE,
    "past": "⚠️ Những ngày này đã qua. Đồng chí ghi đợt nghỉ từ hôm nay trở đi. " + _PAUSE_EXAMPLE,
    "long": "⚠️ Một đợt nghỉ dài nhất một năm. " + _PAUSE_EXAMPLE,
}
UNCHANGED = "\nLịch thi chưa thay đổi."
ENDED = "{contest} đã kết thúc: lịch thi không đổi được nữa, kết quả giữ nguyên. Xem kết quả: /ketqua {id}"

# members and secretaries: the board, the news of joining -------------------------------------------------------
LINE = "\n📅 Ngày thi: <b>{days}</b>{pauses}"
LINE_PAUSES = "; nghỉ chung: {lines}"
LINE_PAUSE = "{first} – {last}"
LINE_PAUSE_ONE_DAY = "{first}"

# a group in a running competition: its own calendar waits ---------------------------------------------------------
GROUP_CALENDAR = (
    "📅 <b>Lịch học của nhóm</b>\n"
    "Nhóm đang tham gia {contest} (đến hết {end}): trong thời gian cuộc thi, nhóm học theo <b>lịch thi</b> do ban "
    "tổ chức đặt cho mọi chi bộ.\n"
    "Ngày thi: <b>{days}</b>\n"
    "{pauses}\n\n"
    "Lịch riêng của nhóm (<b>{own}</b>) áp dụng lại sau khi cuộc thi kết thúc."
)
REFUSED = (
    "⚠️ Nhóm đang tham gia {contest} (đến hết {end}): mọi chi bộ học cùng những ngày thi do ban tổ chức đặt "
    "(<b>{days}</b>), nên không đổi được ngày học hay tạm dừng của nhóm trong thời gian cuộc thi. "
    "Lịch học chưa thay đổi. Cần nghỉ chung, đồng chí đề nghị ban tổ chức."
)
DAY_OFF_WEEKDAY = (
    "📅 Hôm nay ({weekday}, {date}) không phải ngày thi của {contest} (ngày thi: <b>{days}</b>), nên nhóm không "
    "có câu hỏi. Xem lịch: /lich"
)
DAY_OFF_PAUSE = "⏸ {contest} nghỉ chung từ {first} đến hết {last}, nên hôm nay nhóm không có câu hỏi."
SETTINGS_CALENDAR = "Ngày học: <b>{days}</b> (theo lịch thi của {contest}){pauses}\n{reminder}"
