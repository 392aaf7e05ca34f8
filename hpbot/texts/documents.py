"""Texts of the study documents: the group's document (`/tailieu`) and what a member reads about it."""

from __future__ import annotations

LIST_HEADER = "📚 <b>Tài liệu học tập</b>\n"
LIST_LINE = "{number}. {title}\n    đã học {studied}/{total} câu"
LIST_LINE_CURRENT = "{number}. <b>{title}</b> ← nhóm đang học\n    đã học {studied}/{total} câu"
LIST_NOT_READY = " · chưa có câu hỏi trắc nghiệm"
LIST_FOOTER = "\nChọn tài liệu bên dưới để chuyển. Học lại tài liệu cũ thì tiếp tục từ câu đã dừng."
LIST_LOCKED = (
    "\n🏁 Nhóm đang tham gia cuộc thi <b>{name}</b> (đến hết ngày {end}): trong thời gian cuộc thi, "
    "nhóm học tài liệu của cuộc thi."
)
BUTTON = "Chuyển sang {number}. {title}"

SWITCHED = (
    "✅ Nhóm chuyển sang học tài liệu <b>{title}</b>.\n"
    "Từ câu hỏi tiếp theo, câu hỏi hằng ngày lấy từ tài liệu này (Câu {question}/{total}). "
    "Điểm, chuỗi ngày và bảng xếp hạng của nhóm vẫn giữ nguyên."
)
SWITCH_ALREADY = "Nhóm đang học tài liệu <b>{title}</b>."
SWITCH_UNKNOWN = "Không tìm thấy tài liệu này. Gửi /tailieu để xem danh sách mới."
SWITCH_EMPTY = "Tài liệu <b>{title}</b> chưa có câu hỏi trắc nghiệm nên chưa thể chuyển sang."
SWITCH_LOCKED = (
    "⚠️ Nhóm đang tham gia cuộc thi <b>{name}</b> (đến hết ngày {end}) với tài liệu <b>{title}</b>. "
    "Trong thời gian cuộc thi, nhóm chưa thể chuyển sang tài liệu khác."
)
TOAST_SWITCHED = "Đã chuyển tài liệu."
TOAST_NOT_SWITCHED = "Chưa chuyển tài liệu."
TOAST_ADMIN_ONLY = "Chỉ quản trị viên nhóm mới chuyển được tài liệu học tập."

# competitions: the document an organizer names at creation (the 4th field of /cuocthi_tao)
COMP_DOCUMENT = "\nTài liệu học trong cuộc thi: <b>{title}</b>"
COMP_UNKNOWN_DOCUMENT = (
    "⚠️ Không có tài liệu mã <code>{document}</code>. Các mã tài liệu: {ids}.\n"
    "Ví dụ: <code>/cuocthi_tao Tên cuộc thi | 01/12/2026 | 31/12/2026 | {first}</code>"
)
