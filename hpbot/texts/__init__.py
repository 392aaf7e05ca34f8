"""Every text a chat user reads, in one place (this package). HTML; placeholders are filled with escaped values only.

The daily loop and the groups live here; `documents` and `practice` hold the texts of their features."""

from __future__ import annotations

from hpbot.domain.competition import NAME_MAX
from hpbot.domain.scoring import BASE_POINTS, BONUS_STEP_MINUTES, SPEED_BONUS_MAX

SCORING_RULE = (
    f"Trả lời đúng được <b>{BASE_POINTS} điểm</b>, cộng điểm nhanh: <b>+{SPEED_BONUS_MAX}</b> nếu trả lời trong "
    f"{BONUS_STEP_MINUTES} phút đầu sau khi đăng câu hỏi, mỗi {BONUS_STEP_MINUTES} phút sau đó bớt 1 điểm "
    f"(từ phút thứ {BONUS_STEP_MINUTES * SPEED_BONUS_MAX} trở đi không còn điểm nhanh). Trả lời sai: 0 điểm. "
    "Chỉ lần bấm đầu tiên được tính."
)
STREAK_RULE = (
    "Chuỗi ngày: số câu hỏi liên tiếp của nhóm mà đồng chí đã trả lời (đúng hay sai đều tính). "
    "Ngày nhóm không có câu hỏi thì không tính và không làm đứt chuỗi."
)

GREETING = (
    "👋 Xin chào! Tôi là <b>hpbot</b> — trợ lý học tập mỗi ngày một câu hỏi về "
    "<b>Văn kiện Đại hội đại biểu Đảng bộ thành phố Hải Phòng lần thứ I, nhiệm kỳ 2025 – 2030</b>.\n\n"
    "Mỗi sáng tôi gửi một câu hỏi trắc nghiệm; các đồng chí bấm chọn đáp án. Buổi tối tôi công bố đáp án đúng, "
    "trích nguyên văn câu trả lời chính thức, kèm kết quả và bảng xếp hạng.\n\n"
    "Để bắt đầu, quản trị viên nhóm gửi lệnh /dangky."
)
GREETING_SUBSCRIBED = (
    "👋 Xin chào các đồng chí! Nhóm đã đăng ký học tập hằng ngày với <b>hpbot</b>: mỗi sáng một câu hỏi "
    "trắc nghiệm về Văn kiện Đại hội đại biểu Đảng bộ thành phố Hải Phòng lần thứ I, buổi tối công bố đáp án.\n\n"
    "Câu hỏi hôm nay: /cauhoi · Hôm qua: /homqua · Bảng xếp hạng: /bxh · Hướng dẫn: /trogiup"
)
START_PRIVATE = (
    "👋 Xin chào đồng chí {name}! Tôi là <b>hpbot</b>, trợ lý học tập Văn kiện Đại hội đại biểu Đảng bộ thành phố "
    "Hải Phòng lần thứ I.\n\nỞ đây đồng chí ôn tập riêng: /ontap — ôn tập theo lịch nhắc lại, "
    "/decuong — đọc đề cương và trả lời chính thức, /tiendo — tiến độ của đồng chí.\n\n"
    "Để cả chi bộ học mỗi ngày một câu, đồng chí thêm tôi vào nhóm chi bộ, rồi quản trị viên nhóm gửi /dangky. "
    "Gửi /trogiup để xem hướng dẫn."
)
HELP = (
    "📚 <b>Hướng dẫn sử dụng hpbot</b>\n\n"
    "<b>Thành viên</b>\n"
    "/cauhoi — xem câu hỏi hôm nay\n"
    "/homqua — câu hỏi hôm qua, đáp án đúng và trả lời chính thức\n"
    "/bxh — bảng xếp hạng tuần (/bxh thang, /bxh tatca; /bxh cuocthi — cuộc thi giữa các chi bộ)\n"
    "/toi — điểm, chuỗi ngày và thứ hạng của đồng chí (chỉ riêng đồng chí nhìn thấy)\n"
    "/thongke — biểu đồ hoạt động 30 ngày của nhóm\n"
    "/trogiup — hướng dẫn này\n\n"
    "<b>Quản trị viên nhóm</b>\n"
    "/dangky — đăng ký nhận câu hỏi hằng ngày (mặc định đăng 07:00, công bố 20:00)\n"
    "/caidat — xem cài đặt; /caidat 06:30 21:00 — đổi giờ đăng và giờ công bố\n"
    "/guingay — đăng câu hỏi hôm nay ngay\n"
    "/congbo — công bố đáp án ngay\n"
    "/huydangky — ngừng nhận câu hỏi\n"
    "/thamgia MÃ — đưa nhóm vào cuộc thi (mã do ban tổ chức cung cấp); mã chi bộ trong danh sách đơn vị: gắn "
    "nhóm với chi bộ và vào cuộc thi ngay\n"
    "/bantin — bật/tắt bản tin tuần của cuộc thi (sáng thứ Hai)\n"
    "/tailieu — chọn tài liệu học tập của nhóm (xem đã học bao nhiêu câu)\n"
    "/lich — ngày học trong tuần, ví dụ /lich T2-T6 (mặc định: mọi ngày)\n"
    "/tamdung 25/01/2027 05/02/2027 — tạm dừng trong những ngày này (/tamdung xoa — bỏ tạm dừng)\n"
    "/nhacnho 60 — nhắc cả nhóm 60 phút trước giờ công bố (/nhacnho tat — tắt)\n\n"
    "<b>Ôn tập riêng</b> (nhắn riêng cho bot)\n"
    "/ontap — ôn tập theo lịch nhắc lại: câu trả lời sai được hỏi lại\n"
    "/decuong — đề cương; /cau 5 — xem trả lời chính thức Câu 5\n"
    "/tiendo — tiến độ ôn tập của đồng chí\n"
    "/nhac 20:00 — nhắc ôn tập hằng ngày (/nhac tat — tắt)\n"
    "/hoten Nguyễn Văn A — họ và tên ghi trong báo cáo\n"
    "/dudoan 125 — câu hỏi dự đoán của cuộc thi: bao nhiêu đảng viên trả lời đúng tất cả các câu của vòng "
    "(bằng điểm thì ai dự đoán gần đúng hơn, rồi ai gửi sớm hơn, xếp trên)\n\n"
    "<b>Cách tính điểm</b>\n" + SCORING_RULE + "\n" + STREAK_RULE + "\n\n"
    "Bảng xếp hạng: nhiều điểm hơn xếp trên; bằng điểm thì ai có tổng thời gian trả lời ít hơn xếp trên. "
    "Không ai thấy đúng sai trước giờ công bố."
)

HELP_ORGANIZER = (
    "\n\n<b>Ban tổ chức cuộc thi</b> (nhắn riêng cho bot)\n"
    "/cuocthi_tao Tên | 01/12/2026 | 31/12/2026 — tạo cuộc thi (thêm <code>| mã tài liệu</code> để thi trên "
    "tài liệu khác), nhận số cuộc thi và mã tham gia\n"
    "/cuocthi — danh sách cuộc thi, mã tham gia, số chi bộ\n"
    "/cuocthi_themtatca số — đưa mọi chi bộ đang học vào cuộc thi\n"
    "/cuocthi_cho số — các yêu cầu tham gia đang chờ duyệt (mỗi yêu cầu có nút Duyệt / Không duyệt)\n"
    "/cuocthi_bo số tên nhóm — đưa một chi bộ ra khỏi cuộc thi (lịch sử học tập giữ nguyên; nhóm không tự vào lại được)\n"
    "/donvi số — danh sách đơn vị (đơn vị cấp trên, chi bộ, số đảng viên chính thức, mã chi bộ): gửi tệp .xlsx "
    "hoặc .csv kèm chú thích /donvi số; /donvi_mau — tệp mẫu\n"
    "/cuocthi_gio số 20:00 — giờ công bố đáp án chung: mọi chi bộ cùng lúc (mặc định 20:00)\n"
    "/cuocthi_lich số T2-T6 — ngày thi chung của mọi chi bộ, thay cho lịch riêng /lich của nhóm trong thời gian "
    "cuộc thi (mặc định mọi ngày); /cuocthi_lich số tamdung 01/01/2027 03/01/2027 — ngày nghỉ chung "
    "(/cuocthi_lich số tamdung xoa — bỏ); /cuocthi_lich số — xem\n"
    "/cuocthi_vong số tuan — mỗi tuần một vòng, mỗi vòng một câu hỏi dự đoán (/cuocthi_vong số ca — cả cuộc thi "
    "một vòng, mặc định)\n"
    "/ketqua số — bảng xếp hạng chi bộ và đảng viên, kèm biểu đồ; /ketqua số vong 2 — kết quả vòng 2\n"
    "/xuat số — tệp Excel kết quả; /xuat số csv — các tệp CSV phân cách bằng dấu chấm phẩy, như Excel tiếng Việt "
    "đọc (/xuat số csv phay — phân cách bằng dấu phẩy)\n"
    "/cuocthi_ketthuc số — kết thúc cuộc thi\n"
    "/cuocthi_xoa số — xóa cuộc thi (điểm học tập của các chi bộ vẫn giữ nguyên)\n"
    "/giaithuong số nhat=1 nhi=2 ba=3 kk=5 tapthe=3 — đặt cơ cấu giải; /giaithuong số — danh sách đoạt giải\n"
    "/chungnhan số — giấy chứng nhận (PDF) cho từng người, tập thể đoạt giải\n"
    "/bangtructiep số — đường liên kết tới bảng xếp hạng trực tiếp để trình chiếu trong hội nghị "
    "(/bangtructiep số tat — thu hồi)"
)

GROUP_ONLY = "Lệnh này dùng trong nhóm chi bộ. Đồng chí thêm tôi vào nhóm rồi gửi lệnh ở đó."
ADMIN_ONLY = "Xin lỗi, chỉ quản trị viên nhóm mới dùng được lệnh này."
ADMIN_UNCHECKED = (
    "⚠️ Tôi chưa kiểm tra được quyền quản trị của đồng chí (Telegram không phản hồi). "
    "Đồng chí thử lại sau ít phút."
)
UNKNOWN_MEMBER = (
    "Tôi không xác định được tài khoản của đồng chí (đang ẩn danh?). "
    "Đồng chí hãy gửi lệnh bằng tài khoản cá nhân."
)

SUBSCRIBED = (
    "✅ Nhóm đã đăng ký học tập hằng ngày.\n"
    "Câu hỏi được đăng lúc <b>{post}</b>, đáp án công bố lúc <b>{reveal}</b> (giờ Việt Nam).\n"
    "Đổi giờ: /caidat 06:30 21:00"
)
ALREADY_SUBSCRIBED = "Nhóm đã đăng ký từ trước. Câu hỏi đăng lúc <b>{post}</b>, công bố lúc <b>{reveal}</b>."
UNSUBSCRIBED = (
    "🛑 Nhóm đã ngừng nhận câu hỏi hằng ngày. Điểm và lịch sử vẫn được giữ. Gửi /dangky để học tiếp."
)
NOT_SUBSCRIBED = "Nhóm chưa đăng ký. Quản trị viên gửi /dangky để bắt đầu."
SETTINGS = (
    "⚙️ <b>Cài đặt của nhóm</b>\n"
    "Trạng thái: {status}\n"
    "Giờ đăng câu hỏi: <b>{post}</b>\n"
    "Giờ công bố đáp án: <b>{reveal}</b>\n"
    "{calendar}\n"
    "Giờ tính theo giờ Việt Nam (GMT+7).\n\n"
    "Đổi giờ: /caidat &lt;giờ đăng&gt; &lt;giờ công bố&gt;, ví dụ /caidat 06:30 21:00"
)
STATUS_ACTIVE = "đang nhận câu hỏi"
STATUS_INACTIVE = "chưa đăng ký hoặc đã ngừng"
SETTINGS_SAVED = "✅ Đã lưu: đăng câu hỏi lúc <b>{post}</b>, công bố đáp án lúc <b>{reveal}</b>."
SETTINGS_BAD_FORMAT = (
    "⚠️ Chưa đúng định dạng. Đồng chí gửi giờ đăng rồi giờ công bố, mỗi giờ dạng giờ:phút (ví dụ 06:30, "
    "tính theo 24 giờ): /caidat 06:30 21:00"
)
SETTINGS_BAD_ORDER = "⚠️ Giờ công bố phải muộn hơn giờ đăng trong cùng một ngày, ví dụ: /caidat 06:30 21:00"

QUESTION_HEADER = "📘 <b>Câu hỏi ngày {date}</b>\n📖 Nội dung học: <i>Câu {number} — {question}</i>"
QUESTION_BODY = "\n\n❓ <b>Câu hỏi trắc nghiệm:</b> {stem}\n\n{options}"
QUESTION_FOOTER_OPEN = (
    "\n\n👇 Đồng chí bấm một nút A/B/C/D dưới đây để trả lời.\n"
    "⏰ Đáp án công bố lúc {reveal}. Đã trả lời: <b>{count}</b>"
)
QUESTION_FOOTER_CLOSED = "\n\n✅ Đáp án đúng: <b>{letter}</b>. Đã trả lời: <b>{count}</b>"
OPTION_LINE = "<b>{letter}.</b> {text}"
OPTION_LINE_RIGHT = "✅ <b>{letter}. {text}</b>"
CITATION = "Câu {number} – PHẦN {roman}: {part_title}"

ACK_RECORDED = "Đã ghi nhận đáp án {letter}. Kết quả công bố lúc {reveal}."
ACK_DUPLICATE = "Đồng chí đã chọn {letter} rồi. Chỉ lần bấm đầu tiên được tính."
ACK_CLOSED = "Câu hỏi này đã đóng, đáp án đã được công bố."
ACK_INVALID = "Nút này không còn hiệu lực."
ACK_ANONYMOUS = "Đồng chí hãy trả lời bằng tài khoản cá nhân (không ẩn danh) để được tính điểm."

TODAY_POINTER = "👉 Câu hỏi hôm nay ở đây — đồng chí bấm nút để trả lời. Đáp án công bố lúc {reveal}."
TODAY_POINTER_CLOSED = "✅ Câu hỏi hôm nay đã được công bố đáp án. Câu hỏi tiếp theo đăng lúc {post}."
LOOK_BACK = (
    "🔁 <b>Câu hỏi ngày {date}</b>\n📖 Nội dung học: <i>Câu {number} — {question}</i>\n"
    "❓ {stem}\n✅ Đáp án đúng: <b>{letter}. {option}</b>"
)
LOOK_BACK_NONE = "Nhóm chưa có câu hỏi nào được công bố đáp án trước hôm nay."
LINKS = "\n{links}"
LINK = '<a href="{url}">{label}</a>'
LINK_POST = "👉 Xem câu hỏi"
LINK_ANSWER = "📖 Xem trả lời chính thức"
TODAY_NONE = "Hôm nay nhóm chưa có câu hỏi. Câu hỏi được đăng lúc {post}."
TODAY_NOT_SUBSCRIBED = NOT_SUBSCRIBED
POSTNOW_ALREADY = "Câu hỏi hôm nay đã được đăng rồi."
POSTNOW_TOO_LATE = "Đã qua giờ công bố hôm nay ({reveal}); câu hỏi tiếp theo sẽ được đăng ngày mai."
REVEAL_NOTHING = "Hiện không có câu hỏi nào đang chờ công bố."

ANSWER_HEADER = "📖 <b>Trả lời chính thức — Câu {number}</b>{mark}\n<i>PHẦN {roman}: {part_title}</i>\n<b>{question}</b>\n"
ANSWER_CONTINUED = "📖 <b>Trả lời chính thức — Câu {number}</b>{mark}\n"
ANSWER_PART_MARK = " ({index}/{total})"
RESULTS = "📊 <b>Kết quả ngày {date}</b>\nĐáp án đúng: <b>{letter}. {option}</b>\n<i>{explanation}</i>"
RESULTS_COUNTS = "\n\n👥 Đã trả lời: <b>{answered}</b> — trả lời đúng: <b>{right}</b>\nCác phương án: {split}"
RESULTS_SPLIT_PART = "{letter}: {count}"
SHARE = "{part}/{whole} đồng chí ({rate}%)"
SHARE_UNCOUNTED = "{part} đồng chí"
RESULTS_FASTEST = "\n\n⚡ <b>Trả lời đúng nhanh nhất</b>\n{lines}"
RESULTS_FASTEST_LINE = "{rank}. {name} — {after} (+{points} điểm)"
RESULTS_MILESTONES = "\n\n🎉 <b>Chuỗi ngày đáng khen</b>\n{lines}"
RESULTS_MILESTONE_LINE = "{name}: {days} ngày liên tiếp"
RESULTS_NONE = (
    "\n\nCâu hỏi ngày {date} chưa có đồng chí nào trả lời. Hẹn gặp lại các đồng chí ở câu hỏi tiếp theo!"
)
RESULTS_FOOTER = (
    "\n\n📋 Kết quả của từng đồng chí: bấm nút dưới đây (chỉ người bấm nhìn thấy). Bảng xếp hạng: /bxh"
)
MY_RESULT_BUTTON = "📋 Kết quả của tôi"
ME_BUTTON = "👤 Xem kết quả của tôi"

# private alerts (answerCallbackQuery, plain text, at most 200 characters) --------------------------------------
MY_RESULT_RIGHT = (
    "✅ {date}: đồng chí chọn {letter} — đúng. +{points} điểm ({base} + {bonus} điểm nhanh, trả lời {after})."
)
MY_RESULT_WRONG = "❌ {date}: đồng chí chọn {letter} — chưa đúng (đáp án đúng: {right}). 0 điểm."
MY_RESULT_NONE = (
    "{date}: đồng chí chưa trả lời câu này (đáp án đúng: {right}). Mời đồng chí trả lời câu hỏi tiếp theo!"
)
MY_RESULT_STREAK = " Chuỗi: {streak} ngày."
MY_RESULT_RANK = " Hạng tuần: {rank}/{total}."
MY_RESULT_GONE = "Không tìm thấy kết quả của câu hỏi này."
MY_RESULT_PENDING = "Đáp án chưa được công bố. Kết quả của đồng chí có sau giờ công bố."
ME_ALERT = (
    "👤 Tổng điểm: {points} — hạng {rank}/{total} trong nhóm. Chuỗi ngày: {streak} (dài nhất: {best}). "
    "Đã trả lời {answers} câu, đúng {correct} ({accuracy}%)."
)
ME_POINTER = (
    "👤 Kết quả của mỗi đồng chí chỉ hiện riêng cho người bấm: đồng chí bấm nút dưới đây để xem điểm, "
    "chuỗi ngày và thứ hạng của mình."
)
TEXT_REPLY_HINT = (
    "Đồng chí vui lòng bấm một nút A/B/C/D ngay dưới câu hỏi: câu trả lời gõ bằng chữ không được tính."
)

# the words a member may type after /bxh, for each period the boards know (tuan, thang, tatca)
PERIOD_WORDS = {
    "tuan": "tuan",
    "tuần": "tuan",
    "week": "tuan",
    "w": "tuan",
    "thang": "thang",
    "tháng": "thang",
    "month": "thang",
    "m": "thang",
    "tatca": "tatca",
    "tất cả": "tatca",
    "tấtcả": "tatca",
    "all": "tatca",
    "alltime": "tatca",
}
BOARD_TITLES = {"tuan": "tuần này ({start} – {end})", "thang": "tháng {month}", "tatca": "từ trước đến nay"}
BOARD_HEADER = "🏆 <b>Bảng xếp hạng {title}</b>\n"
BOARD_LINE = "{medal} {name} — <b>{points}</b> điểm · chuỗi {streak}"
BOARD_SELF = "\n…\n<b>Đồng chí:</b> {line}"
BOARD_EMPTY = (
    "Chưa có điểm nào trong khoảng thời gian này. Mời các đồng chí trả lời câu hỏi hằng ngày để ghi điểm!"
)
BOARD_BAD_PERIOD = "Không rõ khoảng thời gian. Dùng: /bxh tuan, /bxh thang, /bxh tatca hoặc /bxh cuocthi"

ME_NONE = "Đồng chí chưa có câu trả lời nào được tính trong nhóm này. Mời đồng chí trả lời câu hỏi hôm nay."
ERROR_GENERIC = "⚠️ Có lỗi khi xử lý yêu cầu. Vui lòng thử lại sau ít phút."

COMMANDS_MEMBER = [
    ("cauhoi", "Câu hỏi hôm nay"),
    ("homqua", "Câu hỏi và đáp án hôm qua"),
    ("bxh", "Bảng xếp hạng (tuan | thang | tatca | cuocthi)"),
    ("toi", "Điểm và chuỗi ngày của tôi"),
    ("thongke", "Biểu đồ 30 ngày của nhóm"),
    ("trogiup", "Hướng dẫn và cách tính điểm"),
]
COMMANDS_ADMIN = [
    ("dangky", "Đăng ký nhận câu hỏi hằng ngày"),
    ("caidat", "Xem/đổi giờ đăng và giờ công bố"),
    ("guingay", "Đăng câu hỏi hôm nay ngay"),
    ("congbo", "Công bố đáp án ngay"),
    ("huydangky", "Ngừng nhận câu hỏi"),
    ("thamgia", "Tham gia cuộc thi bằng mã"),
    ("bantin", "Bật/tắt bản tin tuần của cuộc thi"),
    ("tailieu", "Chọn tài liệu học tập"),
    ("lich", "Ngày học trong tuần"),
    ("tamdung", "Tạm dừng học (ngày nghỉ, Tết)"),
    ("nhacnho", "Nhắc trước giờ công bố"),
]
COMMANDS_PRIVATE = [
    ("start", "Bắt đầu"),
    ("ontap", "Ôn tập theo lịch nhắc lại"),
    ("decuong", "Đề cương các câu hỏi"),
    ("cau", "Xem trả lời chính thức một câu, ví dụ /cau 5"),
    ("tiendo", "Tiến độ ôn tập"),
    ("nhac", "Giờ nhắc ôn tập hằng ngày"),
    ("hoten", "Họ và tên ghi trong báo cáo"),
    ("dudoan", "Câu hỏi dự đoán của cuộc thi"),
    ("trogiup", "Hướng dẫn và cách tính điểm"),
]
COMMANDS_ORGANIZER = COMMANDS_PRIVATE + [
    ("cuocthi", "Danh sách cuộc thi"),
    ("cuocthi_tao", "Tạo cuộc thi: Tên | từ ngày | đến ngày"),
    ("ketqua", "Kết quả cuộc thi"),
    ("xuat", "Xuất kết quả (Excel; thêm csv để lấy CSV)"),
    ("cuocthi_themtatca", "Đưa mọi nhóm đang học vào cuộc thi"),
    ("cuocthi_gio", "Giờ công bố đáp án chung của cuộc thi"),
    ("cuocthi_lich", "Ngày thi và ngày nghỉ chung của cuộc thi"),
    ("cuocthi_cho", "Yêu cầu tham gia đang chờ duyệt"),
    ("cuocthi_bo", "Đưa một chi bộ ra khỏi cuộc thi"),
    ("donvi", "Danh sách đơn vị, số đảng viên chính thức (gửi tệp)"),
    ("donvi_mau", "Tệp mẫu danh sách đơn vị"),
    ("cuocthi_vong", "Vòng thi và câu hỏi dự đoán"),
    ("cuocthi_ketthuc", "Kết thúc cuộc thi"),
    ("cuocthi_xoa", "Xóa cuộc thi"),
    ("giaithuong", "Giải thưởng: đặt giải, danh sách đoạt giải"),
    ("chungnhan", "Giấy chứng nhận (PDF) cho người đoạt giải"),
    ("bangtructiep", "Bảng xếp hạng trực tiếp (trang web để trình chiếu)"),
]

# competitions: organizers (private chat) ------------------------------------------------------------------------
# a contest's name in a sentence: "cuộc thi <b>Tháng 12</b>", or the name alone when it already says what it is
# ("<b>Cuộc thi trực tuyến …</b>", never "cuộc thi Cuộc thi …")
CONTEST_WORDS = ("cuộc thi", "hội thi")
CONTEST_NAMED = "cuộc thi <b>{name}</b>"
CONTEST_NAMED_FIRST = "Cuộc thi <b>{name}</b>"
CONTEST_SELF_NAMED = "<b>{name}</b>"


def contest(name_html: str, *, first: bool = False) -> str:
    """The contest named in a sentence (`name_html` already escaped); `first`: at the start of the sentence."""
    if name_html.strip().casefold().startswith(CONTEST_WORDS):
        return CONTEST_SELF_NAMED.format(name=name_html)
    return (CONTEST_NAMED_FIRST if first else CONTEST_NAMED).format(name=name_html)


ORGANIZER_ONLY_GROUP = "Xin lỗi, lệnh này chỉ dành cho ban tổ chức cuộc thi."
ORGANIZER_ONLY = (
    ORGANIZER_ONLY_GROUP
    + " Mã Telegram của đồng chí: <code>{user_id}</code> — gửi mã này cho cán bộ kỹ thuật "
    "nếu đồng chí thuộc ban tổ chức."
)
PRIVATE_ONLY = "Lệnh này dùng trong tin nhắn riêng với tôi: kết quả của các nhóm không đăng vào nhóm."
COMP_CREATE_USAGE = (
    "Cách tạo cuộc thi: /cuocthi_tao Tên cuộc thi | ngày bắt đầu | ngày kết thúc\n"
    "Ví dụ: <code>/cuocthi_tao Thi đua học tập Nghị quyết tháng 12 | 01/12/2026 | 31/12/2026</code>\n"
    "Thêm phần thứ tư để thi trên một tài liệu khác (mặc định: tài liệu đầu tiên): "
    "<code>… | 31/12/2026 | dh-hp-2025</code>"
)
COMP_CREATE_ERRORS = {
    "format": "⚠️ Cần ba phần (hoặc bốn, thêm mã tài liệu), cách nhau bởi dấu |",
    "date": "⚠️ Ngày chưa đúng. Viết ngày/tháng/năm, ví dụ 01/12/2026.",
    "order": "⚠️ Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.",
    "name": "⚠️ Thiếu tên cuộc thi.",
    "name_long": f"⚠️ Tên cuộc thi dài quá {NAME_MAX} ký tự.",
}
COMP_CREATED = (
    "✅ Đã tạo {contest} (số {id})\n"
    "Thời gian: {start} – {end} (tính cả hai ngày)\n"
    "Mã tham gia: <code>{code}</code>\n"
    "Giờ công bố đáp án chung: <b>{reveal}</b> — mọi chi bộ cùng lúc (đổi: /cuocthi_gio {id} 21:00)\n"
    "Ngày thi: <b>{days}</b> — mọi chi bộ cùng những ngày này (đổi: /cuocthi_lich {id} T2-T6)\n\n"
    "Quản trị viên nhóm của mỗi chi bộ gửi trong nhóm: <code>/thamgia {code}</code>; đồng chí duyệt từng yêu cầu "
    "bằng nút bấm (danh sách chờ: /cuocthi_cho {id})\n"
    "Hoặc đưa mọi chi bộ đang học vào cuộc thi: /cuocthi_themtatca {id}"
)
COMP_STATUS = {"active": "đang diễn ra", "ended": "đã kết thúc"}
COMP_LIST_HEADER = "🏁 <b>Các cuộc thi</b>\n"
COMP_LIST_LINE = (
    "<b>{id}.</b> {name}\n    {start} – {end} · {status} · mã <code>{code}</code> · {groups} chi bộ"
)
COMP_LIST_FOOTER = (
    "\n\nLệnh (thay số bằng số cuộc thi): /ketqua số · /xuat số · /cuocthi_themtatca số · "
    "/cuocthi_ketthuc số · /cuocthi_xoa số"
)
COMP_NONE = "Chưa có cuộc thi nào. Tạo mới: /cuocthi_tao Tên | từ ngày | đến ngày"
COMP_NEED_ID = "Đồng chí ghi thêm số cuộc thi, ví dụ: /{command} 3. Xem danh sách: /cuocthi"
COMP_NOT_FOUND = "Không có cuộc thi «{arg}». Xem danh sách: /cuocthi"
COMP_ENDED = "🏁 {contest} đã kết thúc, ngày cuối tính điểm: {end}. Xem kết quả: /ketqua {id}"
COMP_ALREADY_ENDED = "{contest} đã kết thúc từ trước."
COMP_DELETED = "🗑 Đã xóa {contest}. Điểm học tập của các chi bộ vẫn được giữ nguyên."
COMP_REVEAL_SHOW = (
    "⏰ Giờ công bố đáp án chung của {contest}: <b>{reveal}</b> (mọi chi bộ cùng lúc, mỗi ngày học).\n"
    "Đổi: <code>/cuocthi_gio {id} 21:00</code>"
)
COMP_REVEAL_SAVED = (
    "✅ Từ hôm nay mọi chi bộ của {contest} công bố đáp án cùng lúc, vào <b>{reveal}</b>; "
    "giờ đăng câu hỏi của mỗi nhóm giữ nguyên."
)
COMP_REVEAL_BAD = "⚠️ Giờ chưa đúng. Viết giờ:phút (theo 24 giờ), ví dụ <code>/cuocthi_gio {id} 20:00</code>."
COMP_REVEAL_LEGACY = (
    "{contest} chưa đặt giờ công bố chung: mỗi chi bộ công bố theo giờ của nhóm. "
    "Đặt: <code>/cuocthi_gio {id} 20:00</code>"
)
CONTEST_REVEAL_EARLY = (
    "⏳ Nhóm đang tham gia {contest}: đáp án được công bố cùng lúc cho mọi chi bộ, vào <b>{reveal}</b>, "
    "nên chưa thể công bố sớm hơn."
)
CONTEST_TIMES_REFUSED = (
    "⚠️ Nhóm đang tham gia {contest} (đến hết {end}): mọi chi bộ công bố đáp án cùng lúc, vào <b>{reveal}</b>, "
    "nên không đổi được giờ công bố. Đồng chí vẫn đổi được giờ đăng, ví dụ /caidat 06:30 {reveal}"
)
COMP_CONFIRM_END = (
    "Đồng chí xác nhận kết thúc {contest}? Điểm cuộc thi tính đến hết ngày {end}; "
    "sau đó các chi bộ không ghi thêm điểm cuộc thi. Việc này không hoàn tác được."
)
COMP_CONFIRM_DELETE = (
    "Đồng chí xác nhận xóa {contest}? Bảng xếp hạng và mã tham gia của cuộc thi sẽ không còn; điểm học tập "
    "của các chi bộ vẫn giữ nguyên. Việc này không hoàn tác được."
)
COMP_BUTTON_END = "🏁 Kết thúc cuộc thi"
COMP_BUTTON_DELETE = "🗑 Xóa cuộc thi"
COMP_BUTTON_CANCEL = "Hủy"
COMP_CANCELLED = "Đã hủy: cuộc thi không thay đổi gì."
COMP_CONFIRM_GONE = "Cuộc thi này không còn (đã bị xóa)."
COMP_TOAST_DONE = "Đã thực hiện."
COMP_TOAST_CANCELLED = "Đã hủy."
COMP_JOINED_ALL = "✅ Đã đưa thêm {count} chi bộ vào {contest} (tổng cộng {total} chi bộ)."
COMP_RESULTS_HEADER = (
    "📋 <b>Kết quả cuộc thi: {name}</b> (số {id})\n"
    "{start} – {end} · {status} · {groups} chi bộ · {members} đảng viên có điểm\n\n"
    "<b>Xếp hạng chi bộ</b>\n"
)
COMP_RESULTS_MEMBERS = "\n\n<b>Đảng viên dẫn đầu</b>\n"
COMP_RESULTS_MORE = "… và {count} chi bộ khác"
COMP_RESULTS_FOOTER = "\n\nBảng đầy đủ: /xuat {id} (Excel) hoặc /xuat {id} csv"
COMP_RESULTS_EMPTY = "Chưa có chi bộ nào tham gia. Mã tham gia: <code>{code}</code>"
COMP_RANKING_CAPTION = "Xếp hạng chi bộ — {name}"
CHART_RANKING_TITLE = "Xếp hạng chi bộ — {name}"
EXPORT_CAPTION = "📊 Kết quả {contest} ({start} – {end}), xuất lúc {at}"
EXPORT_CSV_CAPTION = "{sheet} — {name}"
EXPORT_COMMA_WORDS = ("phay", "phẩy", ",", "comma")  # /xuat N csv phay: the "," dialect
EXPORT_BUSY = "⏳ Đang tạo tệp kết quả, xin chờ trong giây lát…"

# competitions: groups ---------------------------------------------------------------------------------------
JOIN_USAGE = "Gửi mã tham gia do ban tổ chức cung cấp, ví dụ: /thamgia AB3KXY"
JOIN_UNKNOWN = "⚠️ Không có cuộc thi nào với mã «{code}». Đồng chí kiểm tra lại mã với ban tổ chức."
JOIN_ENDED = "Cuộc thi <b>{name}</b> đã kết thúc, không thể tham gia nữa."
JOINED = "✅ Nhóm đã tham gia cuộc thi <b>{name}</b> ({start} – {end}).\nXem bảng xếp hạng: /bxh cuocthi"
JOINED_POST_LATE = (
    "\n⚠️ Giờ đăng câu hỏi của nhóm ({post}) không sớm hơn giờ công bố chung của cuộc thi ({reveal}), nên nhóm "
    "sẽ không có câu hỏi: đồng chí đổi giờ đăng, ví dụ /caidat 07:00 {reveal}"
)
JOINED_NOT_SUBSCRIBED = (
    "\n⚠️ Nhóm chưa đăng ký nhận câu hỏi hằng ngày: quản trị viên gửi /dangky để bắt đầu tính điểm."
)
JOIN_ALREADY = "Nhóm đã tham gia cuộc thi <b>{name}</b> từ trước. Xem bảng xếp hạng: /bxh cuocthi"

COMP_BOARD_NONE = (
    "Nhóm chưa tham gia cuộc thi nào. Quản trị viên gửi /thamgia MÃ (mã do ban tổ chức cung cấp)."
)
COMP_BOARD_HEADER = (
    "🏆 <b>Cuộc thi: {name}</b>\n{start} – {end} · {status} · {groups} chi bộ tham gia\n\n"
    "<b>Đảng viên dẫn đầu</b>\n"
)
COMP_BOARD_LINE = "{medal} {name} · <i>{group}</i> — <b>{points}</b> điểm"
COMP_BOARD_NO_SCORES = "Chưa có điểm nào (điểm được tính sau giờ công bố đáp án mỗi ngày)."
COMP_BOARD_SELF = "\n…\n<b>Đồng chí:</b> {line}"
COMP_GROUP_LINE = "{medal} {group} — tham gia {rate}% · {mean} điểm/đảng viên"
COMP_BOARD_GROUP = (
    "\n\n<b>Nhóm {group}</b>: hạng <b>{rank}/{total}</b>\n"
    "Tỷ lệ tham gia: <b>{rate}%</b> ({answers}/{possible} lượt) · điểm bình quân: <b>{mean}</b>/đảng viên"
)
COMP_BOARD_RULE = (
    "\n\n<i>Chi bộ xếp theo tỷ lệ tham gia = lượt trả lời ÷ (số đảng viên × mọi ngày thi kể từ ngày bắt đầu, "
    "kể cả những ngày trước khi chi bộ tham gia), số đảng viên theo số chính thức của ban tổ chức nếu có; rồi điểm "
    "bình quân mỗi đảng viên. Đảng viên bằng điểm: ai tổng thời gian trả lời ít hơn xếp trên.</i>"
)
COMPETITION_WORDS = ("cuocthi", "cuộc thi", "cuộcthi", "cuoc thi", "thi", "competition", "contest")

STATS_NONE = "Nhóm chưa có câu hỏi nào được công bố đáp án trong 30 ngày qua."
STATS_CAPTION = "📈 30 ngày qua: {days} ngày có câu hỏi, {answers} lượt trả lời, trả lời đúng {right}%."

BULLETIN_STATE = (
    "📰 Bản tin tuần của cuộc thi (sáng thứ Hai): <b>{state}</b>.\nBật: /bantin bat · Tắt: /bantin tat"
)
BULLETIN_STATE_ON = "đang bật"
BULLETIN_STATE_OFF = "đang tắt"
BULLETIN_SAVED_ON = "✅ Đã bật bản tin tuần: nhóm nhận bản tin vào sáng thứ Hai, lúc đăng câu hỏi."
BULLETIN_SAVED_OFF = "🔕 Đã tắt bản tin tuần. Bật lại: /bantin bat"
BULLETIN_USAGE = "Dùng: /bantin bat hoặc /bantin tat"
BULLETIN_WORDS_ON = ("bat", "bật", "on")
BULLETIN_WORDS_OFF = ("tat", "tắt", "off")
BULLETIN = (
    "📰 <b>Bản tin tuần {start} – {end}</b>\nCuộc thi: <b>{name}</b>\n\n"
    "Tham gia tuần qua: <b>{answers}</b>/{possible} lượt (<b>{rate}%</b>)\n"
    "Hạng của chi bộ trong tuần: <b>{rank}/{total}</b> · điểm bình quân {mean}/đảng viên"
)
BULLETIN_TOP = "\n\n<b>Dẫn đầu tuần trong nhóm</b>\n{lines}"
BULLETIN_TOP_LINE = "{medal} {name} — <b>{points}</b> điểm"
BULLETIN_KEY = "\n\n<b>Đáp án trong tuần</b>\n{lines}"
BULLETIN_KEY_LINE = "{date} · Câu {question}: <b>{letter}.</b> {option}"
BULLETIN_NO_DAYS = "\n\nTuần qua nhóm chưa có câu hỏi nào được công bố đáp án."
BULLETIN_FOOTER = "\n\nBảng xếp hạng: /bxh cuocthi · Tắt bản tin: /bantin tat"

# charts (PNG) ---------------------------------------------------------------------------------------------------
CHART_MEMBERS = "Thành viên lúc đăng câu hỏi"
CHART_ANSWERED = "Số người trả lời"
CHART_PEOPLE = "Số người"
CHART_RIGHT_SHARE = "Tỷ lệ trả lời đúng (%)"
CHART_ACTIVITY_TITLE = "{group} — 30 ngày ({start} – {end})"
CHART_PARTICIPATION = "Tỷ lệ tham gia (%)"
CHART_RANK_LABEL = "{rate}% · {mean} điểm/đảng viên"
CHART_AT = "Số liệu tính đến {at}"
CHART_QUESTION = "Câu {number}"
CHART_QUESTION_LABEL = "{rate}% ({correct}/{answers} lượt đúng)"
CHART_QUESTIONS_TITLE = "Tỷ lệ trả lời đúng theo câu hỏi, câu khó nhất trước — {name}"
COMP_QUESTIONS_CAPTION = "Tỷ lệ trả lời đúng từng câu hỏi trong {contest} (câu khó nhất ở trên)"

# organizer reports (.xlsx sheets, .csv files): sheet name and file-name part, headers, labels -----------------
# Which column shows what, and how wide, is hpbot/reports/workbook.py's column list for each sheet; a header two
# sheets share is one constant here.
# sheets: (sheet name ≤ 31 characters, file-name part of its .csv)
REPORT_SHEET_INFO = ("Thông tin", "thong-tin")
REPORT_SHEET_GROUPS = ("Nhóm", "nhom")
REPORT_SHEET_MEMBERS = ("Thành viên", "thanh-vien")
REPORT_SHEET_DAYS = ("Theo ngày", "theo-ngay")
REPORT_SHEET_KEY = ("Đáp án", "dap-an")
REPORT_SHEET_QUESTIONS = ("Theo câu hỏi", "theo-cau-hoi")
REPORT_SHEET_AWARDS = ("Giải thưởng", "giai-thuong")
# column headers
REPORT_COL_ITEM = "Mục"
REPORT_COL_CONTENT = "Nội dung"
REPORT_COL_RANK = "Hạng"
REPORT_COL_GROUP = "Nhóm"
REPORT_COL_MEMBERS = "Số thành viên"
REPORT_COL_ANSWERS = "Lượt trả lời"
REPORT_COL_MEMBER_DAYS = "Lượt có thể trả lời"
REPORT_COL_PARTICIPATION = "Tỷ lệ tham gia (%)"
REPORT_COL_TOTAL_POINTS = "Tổng điểm"
REPORT_COL_MEAN_POINTS = "Điểm bình quân/thành viên"
REPORT_COL_ANSWER_TIME = "Tổng thời gian trả lời (giây)"
REPORT_COL_NAME = "Họ và tên"
REPORT_COL_POINTS = "Điểm"
REPORT_COL_MEMBER_ANSWERS = "Số câu trả lời"
REPORT_COL_MEMBER_CORRECT = "Số câu đúng"
REPORT_COL_LAST_ANSWER = "Lần trả lời cuối"
REPORT_COL_DATE = "Ngày"
REPORT_COL_QUESTION = "Câu"
REPORT_COL_ANSWERED = "Số người trả lời"
REPORT_COL_CORRECT = "Số người trả lời đúng"
REPORT_COL_QUESTION_TEXT = "Câu hỏi (đề cương)"
REPORT_COL_STEM = "Câu hỏi trắc nghiệm"
REPORT_COL_LETTER = "Đáp án đúng"
REPORT_COL_OPTION = "Nội dung đáp án"
REPORT_COL_GROUPS = "Số nhóm"
REPORT_COL_RIGHT_SHARE = "Tỷ lệ trả lời đúng (%)"
REPORT_COL_PRIZE = "Giải"
REPORT_COL_PLACE = "Thứ tự"
REPORT_COL_WINNER = "Người, tập thể đoạt giải"
# the info sheet's labels
REPORT_INFO_NAME = "Cuộc thi"
REPORT_INFO_CODE = "Mã tham gia"
REPORT_INFO_START = "Từ ngày"
REPORT_INFO_END = "Đến ngày"
REPORT_INFO_STATUS = "Trạng thái"
REPORT_INFO_GROUPS = "Số nhóm tham gia"
REPORT_INFO_MEMBERS = "Số thành viên có điểm"
REPORT_INFO_GENERATED = "Thời điểm xuất"
REPORT_INFO_ANSWERS = "Tổng lượt trả lời"
REPORT_INFO_PARTICIPATION = "Tỷ lệ tham gia chung (%)"
REPORT_INFO_RIGHT = "Tỷ lệ trả lời đúng chung (%)"
REPORT_INFO_GROUP_RULE = "Cách xếp hạng nhóm"
REPORT_INFO_MEMBER_RULE = "Cách xếp hạng thành viên"
REPORT_GROUP_RULE = (
    "Tỷ lệ tham gia = lượt trả lời ÷ lượt có thể trả lời, tính trên mọi ngày thi kể từ ngày bắt đầu cuộc thi "
    "(kể cả những ngày trước khi chi bộ tham gia); số đảng viên là số chính thức trong danh sách đơn vị nếu có, "
    "nếu không thì số thành viên đếm lúc đăng mỗi câu; không quá 100 %. Bằng nhau thì theo điểm bình quân mỗi "
    "đảng viên."
)
REPORT_MEMBER_RULE = (
    "Điểm trong thời gian cuộc thi; bằng điểm thì ai dự đoán gần đúng hơn số đảng viên trả lời đúng tất cả các câu "
    "của vòng cuối (chưa dự đoán xếp sau), rồi ai gửi dự đoán sớm hơn, rồi tổng thời gian trả lời ít hơn, rồi "
    "người trả lời lần cuối sớm hơn."
)
