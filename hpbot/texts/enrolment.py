"""Texts of who is in a competition: join requests, the organizer's decision, a group taken out."""

from __future__ import annotations

# the group (its admin sent /thamgia) -------------------------------------------------------------------------------
REQUESTED = (
    "📨 Đã gửi yêu cầu tham gia {contest} ({start} – {end}) tới ban tổ chức. Nhóm sẽ được báo ngay khi ban tổ "
    "chức duyệt."
)
REQUESTED_AGAIN = (
    "📨 Đã gửi yêu cầu tham gia lại {contest} tới ban tổ chức. Ban tổ chức đã đưa nhóm ra khỏi cuộc thi ngày "
    "{day}; nhóm chỉ tham gia lại khi ban tổ chức duyệt yêu cầu này."
)
REJOIN_REFUSED = (
    "⚠️ Ban tổ chức đã đưa nhóm ra khỏi {contest} ngày {day}, nên nhóm không tự tham gia lại được (bằng mã cuộc "
    "thi hay mã chi bộ). Đồng chí liên hệ ban tổ chức nếu nhóm cần tham gia lại."
)
REJOIN_ASK = (
    "⚠️ Ban tổ chức đã đưa nhóm ra khỏi {contest} ngày {day}, nên nhóm không tự tham gia lại bằng mã chi bộ được. "
    "Đồng chí liên hệ ban tổ chức; nhóm có thể gửi yêu cầu tham gia lại bằng mã cuộc thi "
    "(<code>/thamgia MÃ_CUỘC_THI</code>) để ban tổ chức xem xét."
)
REQUEST_PENDING = "⏳ Yêu cầu tham gia {contest} của nhóm đang chờ ban tổ chức duyệt."
APPROVED_GROUP = (
    "✅ Ban tổ chức đã duyệt: nhóm tham gia {contest} ({start} – {end}).\nXem bảng xếp hạng: /bxh cuocthi"
)
REFUSED_GROUP = (
    "Ban tổ chức chưa duyệt yêu cầu tham gia {contest} của nhóm. Đồng chí liên hệ ban tổ chức nếu cần."
)
REMOVED_GROUP = (
    "Ban tổ chức đã đưa nhóm ra khỏi {contest}. Điểm và lịch sử học tập của nhóm vẫn được giữ nguyên. Nhóm chỉ "
    "tham gia lại được khi ban tổ chức đồng ý."
)

# the organizer -------------------------------------------------------------------------------------------------
REQUEST = (
    "📨 <b>Yêu cầu tham gia</b> {contest} (số {id})\n"
    "Nhóm: <b>{title}</b>\n"
    "Số thành viên: {members}\n"
    "Người gửi: {admin}\n"
    "Gửi lúc: {at}"
)
REQUEST_REMOVED_BEFORE = "\n⚠️ Nhóm này đã bị ban tổ chức đưa ra khỏi cuộc thi lúc {at}."
MEMBERS_UNKNOWN = "chưa rõ"
BUTTON_APPROVE = "✅ Duyệt"
BUTTON_REFUSE = "✖ Không duyệt"
APPROVED = "✅ Đã duyệt: <b>{title}</b> tham gia {contest}."
REFUSED = "✖ Không duyệt: <b>{title}</b> không tham gia {contest}."
DECIDED_ALREADY = "Yêu cầu này đã được xử lý (hoặc cuộc thi không còn)."
TOAST_DONE = "Đã ghi nhận."
PENDING_NONE = "{contest} không có yêu cầu tham gia nào đang chờ duyệt."
PENDING_HEADER = "⏳ {contest}: {count} yêu cầu đang chờ duyệt."
PENDING_MORE = "… và {count} yêu cầu khác: duyệt các yêu cầu trên rồi gửi lại /cuocthi_cho {id}."

REMOVE_USAGE = (
    "Cách đưa một chi bộ ra khỏi cuộc thi: <code>/cuocthi_bo {id} tên nhóm</code> (một phần tên cũng được), "
    "ví dụ <code>/cuocthi_bo {id} Khu 3</code>."
)
REMOVE_NONE = "Không có nhóm nào trong {contest} có tên chứa «{words}»."
REMOVE_CHOOSE = "Có nhiều nhóm trong {contest} có tên chứa «{words}». Đồng chí chọn nhóm cần đưa ra:"
REMOVE_CHOOSE_MORE = "\n(Chỉ hiện {shown} nhóm đầu; ghi tên đầy đủ hơn để tìm đúng nhóm.)"
REMOVE_CONFIRM = (
    "Đồng chí xác nhận đưa <b>{title}</b> ra khỏi {contest}? Điểm của nhóm không còn trong bảng xếp hạng cuộc thi; "
    "lịch sử học tập của nhóm vẫn giữ nguyên. Nhóm không tự tham gia lại được (kể cả bằng mã chi bộ): chỉ ban tổ "
    "chức đưa nhóm trở lại được."
)
BUTTON_REMOVE = "Đưa ra khỏi cuộc thi"
REMOVED = "Đã đưa <b>{title}</b> ra khỏi {contest}."
JOINED_ALL_RETURNED = " Trong đó có {count} nhóm trước đây đã bị đưa ra khỏi cuộc thi."
REMOVED_ALREADY = "Nhóm này không còn trong cuộc thi."
