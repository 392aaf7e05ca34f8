"""Every text a chat user reads, in one place. HTML; placeholders are filled with escaped values only."""

from __future__ import annotations

from hpbot.domain.scoring import BASE_POINTS, BONUS_STEP_MINUTES, SPEED_BONUS_MAX

SCORING_RULE = (
    f"Trả lời đúng được <b>{BASE_POINTS} điểm</b>, cộng điểm nhanh: <b>+{SPEED_BONUS_MAX}</b> nếu trả lời trong "
    f"{BONUS_STEP_MINUTES} phút đầu sau khi đăng câu hỏi, mỗi {BONUS_STEP_MINUTES} phút sau đó bớt 1 điểm "
    f"(từ phút thứ {BONUS_STEP_MINUTES * SPEED_BONUS_MAX} trở đi không còn điểm nhanh). Trả lời sai: 0 điểm. "
    "Chỉ lần bấm đầu tiên được tính."
)
STREAK_RULE = (
    "Chuỗi ngày: số câu hỏi liên tiếp của nhóm mà bạn đã trả lời (đúng hay sai đều tính). "
    "Ngày nhóm không có câu hỏi thì không tính và không làm đứt chuỗi."
)

GREETING = (
    "👋 Xin chào! Tôi là <b>hpbot</b> — trợ lý học tập mỗi ngày một câu hỏi về "
    "<b>Văn kiện Đại hội đại biểu Đảng bộ thành phố Hải Phòng lần thứ I, nhiệm kỳ 2025 – 2030</b>.\n\n"
    "Mỗi sáng tôi gửi một câu hỏi trắc nghiệm; các đồng chí bấm chọn đáp án. Buổi tối tôi công bố đáp án đúng, "
    "trích nguyên văn câu trả lời chính thức, kèm kết quả và bảng xếp hạng.\n\n"
    "Để bắt đầu, quản trị viên nhóm gửi lệnh /dangky."
)
START_PRIVATE = (
    "👋 Xin chào {name}! Tôi là <b>hpbot</b>, trợ lý học tập Văn kiện Đại hội đại biểu Đảng bộ thành phố "
    "Hải Phòng lần thứ I.\n\nHãy thêm tôi vào nhóm chi bộ của đồng chí, rồi quản trị viên nhóm gửi /dangky. "
    "Gõ /trogiup để xem hướng dẫn."
)
HELP = (
    "📚 <b>Hướng dẫn sử dụng hpbot</b>\n\n"
    "<b>Thành viên</b>\n"
    "/cauhoi — xem câu hỏi hôm nay\n"
    "/bxh — bảng xếp hạng tuần (/bxh thang, /bxh tatca)\n"
    "/toi — điểm, chuỗi ngày và thứ hạng của bạn\n"
    "/trogiup — hướng dẫn này\n\n"
    "<b>Quản trị viên nhóm</b>\n"
    "/dangky — đăng ký nhận câu hỏi hằng ngày (mặc định đăng 07:00, công bố 20:00)\n"
    "/caidat — xem cài đặt; /caidat 06:30 21:00 — đổi giờ đăng và giờ công bố\n"
    "/guingay — đăng câu hỏi hôm nay ngay\n"
    "/congbo — công bố đáp án ngay\n"
    "/huydangky — ngừng nhận câu hỏi\n\n"
    "<b>Cách tính điểm</b>\n" + SCORING_RULE + "\n" + STREAK_RULE + "\n\n"
    "Bảng xếp hạng: nhiều điểm hơn xếp trên; bằng điểm thì ai có tổng thời gian trả lời ít hơn xếp trên. "
    "Không ai thấy đúng sai trước giờ công bố."
)

GROUP_ONLY = "Lệnh này dùng trong nhóm chi bộ. Hãy thêm tôi vào nhóm rồi gửi lệnh ở đó."
ADMIN_ONLY = "Xin lỗi, chỉ quản trị viên nhóm mới dùng được lệnh này."
UNKNOWN_MEMBER = "Tôi không xác định được tài khoản của bạn (đang ẩn danh?). Hãy gửi lệnh bằng tài khoản cá nhân."

SUBSCRIBED = (
    "✅ Nhóm đã đăng ký học tập hằng ngày.\n"
    "Câu hỏi được đăng lúc <b>{post}</b>, đáp án công bố lúc <b>{reveal}</b> (giờ Việt Nam).\n"
    "Đổi giờ: /caidat 06:30 21:00"
)
ALREADY_SUBSCRIBED = "Nhóm đã đăng ký từ trước. Câu hỏi đăng lúc <b>{post}</b>, công bố lúc <b>{reveal}</b>."
UNSUBSCRIBED = "🛑 Nhóm đã ngừng nhận câu hỏi hằng ngày. Điểm và lịch sử vẫn được giữ. Gửi /dangky để học tiếp."
NOT_SUBSCRIBED = "Nhóm chưa đăng ký. Quản trị viên gửi /dangky để bắt đầu."
SETTINGS = (
    "⚙️ <b>Cài đặt của nhóm</b>\n"
    "Trạng thái: {status}\n"
    "Giờ đăng câu hỏi: <b>{post}</b>\n"
    "Giờ công bố đáp án: <b>{reveal}</b>\n"
    "Múi giờ: {tz}\n\n"
    "Đổi giờ: /caidat &lt;giờ đăng&gt; &lt;giờ công bố&gt;, ví dụ /caidat 06:30 21:00"
)
STATUS_ACTIVE = "đang nhận câu hỏi"
STATUS_INACTIVE = "chưa đăng ký hoặc đã ngừng"
SETTINGS_SAVED = "✅ Đã lưu: đăng câu hỏi lúc <b>{post}</b>, công bố đáp án lúc <b>{reveal}</b>."
SETTINGS_BAD_FORMAT = (
    "⚠️ Chưa đúng định dạng. Hãy gửi hai giờ dạng GG:PP (24 giờ): giờ đăng rồi giờ công bố, "
    "ví dụ: /caidat 06:30 21:00"
)
SETTINGS_BAD_ORDER = "⚠️ Giờ công bố phải muộn hơn giờ đăng trong cùng một ngày, ví dụ: /caidat 06:30 21:00"

QUESTION_HEADER = "📘 <b>Câu hỏi ngày {date}</b>\n<i>{citation}</i>\n{question}"
QUESTION_BODY = "\n\n❓ <b>{stem}</b>\n\n{options}"
QUESTION_FOOTER_OPEN = "\n\n⏰ Đáp án công bố lúc {reveal}. Đã trả lời: <b>{count}</b>"
QUESTION_FOOTER_CLOSED = "\n\n✅ Đáp án đúng: <b>{letter}</b>. Số người trả lời: <b>{count}</b>"
OPTION_LINE = "<b>{letter}.</b> {text}"
OPTION_LINE_RIGHT = "✅ <b>{letter}. {text}</b>"
CITATION = "Câu {number} – PHẦN {roman}: {part_title}"

ACK_RECORDED = "Đã ghi nhận đáp án {letter}. Kết quả công bố lúc {reveal}."
ACK_DUPLICATE = "Bạn đã chọn {letter} rồi. Chỉ lần bấm đầu tiên được tính."
ACK_CLOSED = "Câu hỏi này đã đóng, đáp án đã được công bố."
ACK_INVALID = "Nút này không còn hiệu lực."
ACK_ANONYMOUS = "Hãy trả lời bằng tài khoản cá nhân (không ẩn danh) để được tính điểm."

TODAY_POINTER = "👉 Câu hỏi hôm nay ở đây — bấm để trả lời. Đáp án công bố lúc {reveal}."
TODAY_POINTER_CLOSED = "Câu hỏi hôm nay đã được công bố đáp án. Câu hỏi tiếp theo đăng lúc {post}."
TODAY_NONE = "Hôm nay nhóm chưa có câu hỏi. Câu hỏi được đăng lúc {post}."
TODAY_NOT_SUBSCRIBED = NOT_SUBSCRIBED
POSTNOW_ALREADY = "Câu hỏi hôm nay đã được đăng rồi."
POSTNOW_TOO_LATE = "Đã qua giờ công bố hôm nay ({reveal}); câu hỏi tiếp theo sẽ được đăng ngày mai."
REVEAL_NOTHING = "Hiện không có câu hỏi nào đang chờ công bố."

ANSWER_HEADER = "📖 <b>Trả lời chính thức — {citation}</b>\n<i>{question}</i>\n"
ANSWER_CONTINUED = "📖 <b>{citation}</b> (tiếp theo)\n"
RESULTS = (
    "📊 <b>Kết quả ngày {date}</b>\n"
    "Số người trả lời: <b>{answered}</b> — trả lời đúng: <b>{right}</b>\n"
    "Đáp án đúng: <b>{letter}. {option}</b>\n"
    "<i>{explanation}</i>"
)
RESULTS_FASTEST = "\n\n⚡ <b>Nhanh và đúng nhất</b>\n{lines}"
RESULTS_FASTEST_LINE = "{rank}. {name} — {elapsed} (+{points} điểm)"
RESULTS_NONE = "\n\nHôm nay chưa có ai trả lời. Hẹn gặp lại ở câu hỏi ngày mai!"
RESULTS_FOOTER = "\n\nXem bảng xếp hạng: /bxh"

BOARD_TITLES = {"tuan": "tuần này ({start} – {end})", "thang": "tháng {month}", "tatca": "từ trước đến nay"}
BOARD_HEADER = "🏆 <b>Bảng xếp hạng {title}</b>\n"
BOARD_LINE = "{medal} {name} — <b>{points}</b> điểm · chuỗi {streak}"
BOARD_SELF = "\n…\n<b>Bạn:</b> {line}"
BOARD_EMPTY = "Chưa có điểm nào trong khoảng thời gian này. Hãy trả lời câu hỏi hằng ngày để ghi điểm!"
BOARD_BAD_PERIOD = "Không rõ khoảng thời gian. Dùng: /bxh tuan, /bxh thang hoặc /bxh tatca"

ME = (
    "👤 <b>{name}</b>\n"
    "Tổng điểm: <b>{points}</b> — hạng {rank}/{total} trong nhóm\n"
    "Chuỗi ngày: <b>{streak}</b> (dài nhất: {best})\n"
    "Đã trả lời: {answers} câu, đúng {correct} ({accuracy}%)"
)
ME_NONE = "Bạn chưa có câu trả lời nào được tính trong nhóm này. Hãy trả lời câu hỏi hôm nay nhé!"
ERROR_GENERIC = "⚠️ Có lỗi khi xử lý yêu cầu. Vui lòng thử lại sau ít phút."

COMMANDS_MEMBER = [
    ("cauhoi", "Câu hỏi hôm nay"),
    ("bxh", "Bảng xếp hạng (tuan | thang | tatca)"),
    ("toi", "Điểm và chuỗi ngày của tôi"),
    ("trogiup", "Hướng dẫn và cách tính điểm"),
]
COMMANDS_ADMIN = [
    ("dangky", "Đăng ký nhận câu hỏi hằng ngày"),
    ("caidat", "Xem/đổi giờ đăng và giờ công bố"),
    ("guingay", "Đăng câu hỏi hôm nay ngay"),
    ("congbo", "Công bố đáp án ngay"),
    ("huydangky", "Ngừng nhận câu hỏi"),
]
COMMANDS_PRIVATE = [("start", "Bắt đầu"), ("trogiup", "Hướng dẫn và cách tính điểm")]
