"""Texts of units and official member counts: the organizer's unit list, a secretary linking the group to its cell,
the per-unit standings."""

from __future__ import annotations

# the organizer: importing the unit list -------------------------------------------------------------------------
USAGE = (
    "📋 <b>Danh sách đơn vị của {contest}</b> (số {id})\n"
    "Đồng chí gửi tệp Excel (.xlsx) hoặc CSV (.csv) kèm chú thích <code>/donvi {id}</code>, hoặc gửi "
    "<code>/donvi {id}</code> rồi gửi tệp ngay sau đó. Tệp có bốn cột (dòng đầu là tên cột, thứ tự tuỳ ý):\n"
    "• <b>Đơn vị cấp trên</b> (đảng bộ xã, phường, cơ quan)\n"
    "• <b>Chi bộ</b>\n"
    "• <b>Số đảng viên</b> (số chính thức; để trống nếu chưa có)\n"
    "• <b>Mã</b> (mã chi bộ, mỗi chi bộ một mã khác nhau; bí thư gửi <code>/thamgia MÃ</code> trong nhóm)\n"
    "Tệp mẫu: /donvi_mau. Nhập lại tệp mới sẽ thay cả danh sách; chi bộ giữ nguyên mã thì giữ nguyên nhóm đã gắn."
)
SUMMARY = "\n\nHiện có: {cells} chi bộ thuộc {units} đơn vị cấp trên; {linked} chi bộ đã gắn nhóm."
NO_LIST = "\n\nCuộc thi chưa có danh sách đơn vị."
WAITING = (
    "📎 Đồng chí gửi tệp danh sách đơn vị (.xlsx hoặc .csv) của {contest} trong tin nhắn tiếp theo "
    "(hoặc gửi /huy để thôi)."
)
WAITING_CANCELLED = "Đã thôi nhập danh sách đơn vị."
DOCUMENT_UNEXPECTED = (
    "Đồng chí muốn nhập danh sách đơn vị? Gửi lại tệp kèm chú thích <code>/donvi SỐ_CUỘC_THI</code> "
    "(xem số cuộc thi bằng /cuocthi)."
)
BUSY = "⏳ Đang đọc tệp «{name}»…"
IMPORTED = (
    "✅ Đã nhập danh sách đơn vị của {contest}: <b>{cells}</b> chi bộ thuộc <b>{units}</b> đơn vị cấp trên, "
    "{with_count} chi bộ có số đảng viên chính thức (tổng {official} đảng viên).{kept}\nBí thư mỗi chi bộ gửi trong nhóm của chi bộ: <code>/thamgia MÃ</code> (mã của chi bộ trong danh sách); "
    "nhóm gắn bằng mã được vào cuộc thi ngay, không cần duyệt."
)
IMPORTED_KEPT = " {kept} chi bộ giữ nguyên nhóm đã gắn."
REFUSED = (
    "❌ <b>Chưa nhập danh sách</b>: tệp «{name}» có {count} lỗi; danh sách của {contest} không thay đổi. "
    "Đồng chí sửa các dòng dưới đây rồi gửi lại cả tệp.\n"
)
ERROR_LINE = "• Dòng {line}: {reason}"
ERROR_FILE = "• {reason}"
ERRORS_MORE = "… và {count} lỗi khác (sửa các lỗi trên rồi gửi lại để xem tiếp)."
ERRORS_SHOWN = 30  # errors listed in one reply at most
FIELD_NAMES = {
    "unit": "Đơn vị cấp trên",
    "cell": "Chi bộ",
    "official": "Số đảng viên",
    "code": "Mã",
}
ROW_ERRORS = {
    "empty": "tệp trống, không có dòng tên cột.",
    "missing": "thiếu cột {value} (dòng tên cột cần có: Đơn vị cấp trên, Chi bộ, Số đảng viên, Mã).",
    "no_rows": "chỉ có dòng tên cột, chưa có chi bộ nào.",
    "too_many": "tệp có quá {value} chi bộ.",
    "unit_empty": "thiếu tên đơn vị cấp trên.",
    "cell_empty": "thiếu tên chi bộ.",
    "name_long": "tên quá dài («{value}…», tối đa 150 ký tự).",
    "count_bad": "số đảng viên «{value}» không phải là số nguyên.",
    "count_negative": "số đảng viên «{value}» phải lớn hơn 0 (để trống nếu chưa có).",
    "count_big": "số đảng viên «{value}» quá lớn.",
    "code_empty": "thiếu mã chi bộ.",
    "code_bad": "mã «{value}» không hợp lệ (chỉ gồm chữ không dấu, chữ số, dấu - _ . ; tối đa 20 ký tự).",
    "code_duplicate": "mã «{value}» trùng với dòng {first}.",
    "cell_duplicate": "chi bộ «{value}» đã có ở dòng {first} (cùng đơn vị cấp trên).",
}
FILE_BAD = (
    "❌ Không đọc được tệp «{name}»: bot nhận tệp Excel (.xlsx) hoặc CSV (.csv, mã UTF-8, các cột phân cách bằng "
    "dấu chấm phẩy hoặc dấu phẩy). Tệp mẫu: /donvi_mau"
)
FILE_BIG = "❌ Tệp «{name}» quá lớn (tối đa {mb} MB)."
TEMPLATE_CAPTION = "📋 Tệp mẫu danh sách đơn vị. Điền mỗi chi bộ một dòng rồi gửi lại kèm chú thích <code>/donvi SỐ_CUỘC_THI</code>."
TEMPLATE_ROWS = (
    ("Đảng bộ phường Hồng Bàng", "Chi bộ Khu dân cư số 1", 25, "HB-KDC01"),
    ("Đảng bộ phường Hồng Bàng", "Chi bộ Khu dân cư số 2", 31, "HB-KDC02"),
    ("Đảng bộ xã An Lão", "Chi bộ thôn Đông", 18, "AL-DONG"),
)
TEMPLATE_SHEET = "Danh sách đơn vị"

# the secretary: linking the group to its cell --------------------------------------------------------------------
LINKED = (
    "✅ Nhóm đã được gắn với <b>{cell}</b> — {unit} và tham gia {contest} ({start} – {end}).\n"
    "{official}\nXem bảng xếp hạng: /bxh cuocthi"
)
LINKED_MOVED = "\n(Nhóm không còn gắn với {previous}.)"
OFFICIAL_SET = "Tỷ lệ tham gia của chi bộ tính theo số đảng viên chính thức: <b>{count}</b> đồng chí."
OFFICIAL_NONE = "Danh sách chưa có số đảng viên chính thức: tỷ lệ tham gia tính theo số thành viên của nhóm."
LINKED_ALREADY = (
    "Nhóm đã gắn với <b>{cell}</b> — {unit} trong {contest} từ trước. Xem bảng xếp hạng: /bxh cuocthi"
)
LINK_TAKEN = (
    "⚠️ Mã chi bộ «{code}» của {contest} đã được một nhóm khác dùng. Đồng chí kiểm tra lại mã, hoặc báo ban tổ "
    "chức nếu nhóm kia gắn nhầm."
)
LINK_AMBIGUOUS = (
    "⚠️ Mã chi bộ «{code}» có trong danh sách của nhiều cuộc thi. Đồng chí gửi kèm mã cuộc thi, ví dụ: "
    "<code>/thamgia MÃ_CUỘC_THI {code}</code>."
)
LINK_NOT_IN = "⚠️ Danh sách đơn vị của {contest} không có chi bộ nào với mã «{code}»."
LINK_ENDED = "Cuộc thi {contest} đã kết thúc: không gắn thêm chi bộ được nữa."

# standings by unit -----------------------------------------------------------------------------------------------
NO_UNIT = "Chưa gắn đơn vị"
RESULTS_HEADER = "\n\n<b>Theo đơn vị cấp trên</b> (tỷ lệ tham gia của mọi chi bộ trong danh sách)\n"
RESULTS_LINE = "{rank}. {unit} — <b>{rate}%</b> ({linked}/{cells} chi bộ tham gia)"
RESULTS_NO_UNIT_LINE = "• {unit}: {rate}% ({cells} nhóm)"
RESULTS_MORE = "… và {count} đơn vị khác (đủ trong /xuat)"
BOARD_UNIT = "\n🏛 <b>{unit}</b>: tỷ lệ tham gia <b>{rate}%</b> ({linked}/{cells} chi bộ tham gia)"
CHART_TITLE = "Tỷ lệ tham gia theo đơn vị cấp trên — {name}"
CHART_LABEL = "{rate}% · {linked}/{cells} chi bộ"
CHART_CAPTION = "Tỷ lệ tham gia theo đơn vị cấp trên, {contest}"

SHEET = ("Theo đơn vị", "theo-don-vi")
COL_UNIT = "Đơn vị cấp trên"
COL_CELLS = "Số chi bộ trong danh sách"
COL_LINKED = "Số chi bộ tham gia"
COL_OFFICIAL = "Số đảng viên (chính thức)"
COL_POSSIBLE = "Lượt có thể trả lời"
COL_CODE = "Mã chi bộ"
