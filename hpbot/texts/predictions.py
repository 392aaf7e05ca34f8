"""Texts of the prediction tie-break: a member's /dudoan in private chat, the organizer's rounds, the rules."""

from __future__ import annotations

QUESTION = "có bao nhiêu đảng viên trả lời đúng tất cả các câu hỏi của vòng?"
ROUND = "vòng {number}/{rounds} ({start} – {end})"
WHOLE = "cả cuộc thi ({start} – {end})"

# the member, in private chat ---------------------------------------------------------------------------------
USAGE = (
    "🔮 <b>Câu hỏi dự đoán</b>: {question}\n"
    "Đồng chí gửi một số, ví dụ <code>/dudoan 125</code>. Được sửa đến hạn; dự đoán gửi sau cùng được tính. Khi "
    "bằng điểm, ai dự đoán gần đúng hơn xếp trên; vẫn bằng nhau thì ai gửi dự đoán đó sớm hơn xếp trên."
)
OPEN_LINE = "• {contest} (số {id}), {round}: hạn {deadline}. {mine}"
MINE = "Dự đoán của đồng chí: <b>{value}</b> (gửi lúc {at})."
MINE_NONE = "Đồng chí chưa dự đoán."
NONE_OPEN = "Hiện không có cuộc thi nào đang nhận dự đoán."
CHOOSE = (
    "Đang có nhiều cuộc thi nhận dự đoán. Đồng chí gửi kèm số cuộc thi, ví dụ <code>/dudoan {id} {value}</code>:\n"
    "{lines}"
)
SAVED = (
    "✅ Đã ghi dự đoán cho {contest}, {round}: <b>{value}</b> đảng viên trả lời đúng tất cả các câu.\n"
    "Đồng chí có thể gửi lại để sửa đến {deadline}; dự đoán gửi sau cùng được tính."
)
CHANGED = (
    "✏️ Đã sửa dự đoán cho {contest}, {round}: {old} → <b>{value}</b>. Thời điểm được tính là lúc sửa ({at}); hạn "
    "{deadline}."
)
SAME = "Dự đoán của đồng chí cho {contest}, {round} vẫn là <b>{value}</b>, giữ thời điểm gửi lúc {at}."
CLOSED = "⌛ Đã hết hạn dự đoán của {contest} ({deadline})."
UNKNOWN = "Không có cuộc thi số «{arg}». Gửi /dudoan để xem các cuộc thi đang nhận dự đoán."
ERRORS = {
    "number": "Dự đoán là một số nguyên không âm, ví dụ <code>/dudoan 125</code>.",
    "too_big": "Số dự đoán quá lớn.",
}
IN_GROUP = (
    "🔮 Dự đoán được gửi riêng cho bot (để không ai thấy số của người khác): đồng chí mở tin nhắn riêng với bot và "
    "gửi <code>/dudoan SỐ</code>."
)

# on the competition board and in the rules --------------------------------------------------------------------
BOARD = (
    "\n\n🔮 Câu hỏi dự đoán, {round}: {question} Nhắn riêng cho bot <code>/dudoan SỐ</code> trước {deadline}."
)
RULE = (
    "\n<i>Đảng viên bằng điểm: ai dự đoán gần đúng hơn số đảng viên trả lời đúng tất cả các câu của vòng xếp trên "
    "(chưa dự đoán thì xếp sau); vẫn bằng nhau thì ai gửi dự đoán sớm hơn; rồi tổng thời gian trả lời ít hơn.</i>"
)
REPORT_RULE = (
    "Điểm trong thời gian cuộc thi; bằng điểm thì ai dự đoán gần đúng hơn số đảng viên trả lời đúng tất cả các câu "
    "của vòng cuối (chưa dự đoán xếp sau), rồi ai gửi dự đoán sớm hơn, rồi tổng thời gian trả lời ít hơn."
)
RESULTS = (
    "\n\n🔮 <b>Câu hỏi dự đoán</b>, {round}: <b>{actual}</b> đảng viên trả lời đúng tất cả {days} câu; {count} đồng "
    "chí đã dự đoán. Bằng điểm thì xếp theo dự đoán."
)

# the organizer ---------------------------------------------------------------------------------------------------
ROUNDS_SHOW = "🔮 {contest} có {count} vòng dự đoán:\n{lines}\n\nĐổi: <code>/cuocthi_vong {id} tuan</code> (mỗi tuần một vòng) hoặc <code>/cuocthi_vong {id} ca</code> (cả cuộc thi một vòng)."
ROUND_LINE = "• Vòng {number}: {start} – {end}, hạn dự đoán {deadline}"
ROUNDS_SAVED = "✅ Đã đặt vòng dự đoán cho {contest}."
ROUNDS_BAD = (
    "Cách ghi: <code>/cuocthi_vong {id} tuan</code> (mỗi tuần một vòng, từ ngày bắt đầu), "
    "<code>/cuocthi_vong {id} ca</code> (cả cuộc thi một vòng) hoặc <code>/cuocthi_vong {id} 10</code> (10 ngày một vòng)."
)
ROUNDS_LOCKED = "Đã có đảng viên gửi dự đoán cho {contest}: không đổi các vòng được nữa."
ROUND_RESULTS = "📊 <b>Kết quả {round}</b>\n"
ROUND_RESULTS_BAD = (
    "Xem kết quả một vòng: <code>/ketqua {id} vong 1</code> (cuộc thi có {count} vòng; xem các vòng: "
    "<code>/cuocthi_vong {id}</code>)."
)
