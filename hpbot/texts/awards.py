"""Texts of a competition's prizes: the organizer's commands, the awards list, the certificates (PDF)."""

from __future__ import annotations

from hpbot.domain.awards import PRIZE_MAX

CLASS_NAMES = {
    "first": "Giải Nhất",
    "second": "Giải Nhì",
    "third": "Giải Ba",
    "consolation": "Giải Khuyến khích",
    "collective": "Giải tập thể",
}
USAGE = (
    "Cách đặt giải: <code>/giaithuong {id} nhat=1 nhi=2 ba=3 kk=5 tapthe=3</code>\n"
    "(nhat, nhi, ba, kk: số giải cá nhân mỗi hạng; tapthe: số giải tập thể cho các chi bộ có tỷ lệ tham gia "
    "cao nhất; mỗi hạng tối đa {limit} giải). Xem danh sách đoạt giải: <code>/giaithuong {id}</code>"
)
ERRORS = {
    "format": "⚠️ «{word}» chưa đúng: mỗi hạng viết dạng tên=số, ví dụ nhat=1.",
    "class": "⚠️ Không có hạng giải «{word}». Dùng: nhat, nhi, ba, kk, tapthe.",
    "number": f"⚠️ «{{word}}»: số giải phải là số nguyên từ 0 đến {PRIZE_MAX}.",
    "none": "⚠️ Cần ít nhất một giải.",
    "empty": "⚠️ Chưa có giải nào.",
}
SAVED = "✅ Đã lưu cơ cấu giải của {contest}: {summary}."
SUMMARY_PART = "{count} {name}"
NOT_SET = "{contest} chưa đặt giải.\n\n" + USAGE
LIST_HEADER = "🏅 <b>Danh sách đoạt giải — {name}</b>\n{start} – {end} · số liệu tính đến {at}\n"
LIST_PROVISIONAL = "<i>Cuộc thi đang diễn ra: danh sách còn thay đổi đến ngày cuối.</i>\n"
LIST_CLASS = "\n<b>{name}</b>\n{lines}"
LIST_MEMBER_LINE = "{place}. {name} — {group} · {points} điểm"
LIST_CELL_LINE = "{place}. {name} — tham gia {rate}% · {points} điểm"
LIST_NONE = "\nChưa có ai đạt giải (chưa có điểm)."
TELEGRAM_NAME = "{name} (tên Telegram)"
LIST_FOOTER = "\n\nGiấy chứng nhận (PDF): /chungnhan {id}"
LIST_NAMES_HINT = (
    "\n<i>«tên Telegram»: đảng viên chưa ghi họ và tên. Đồng chí nhắc đảng viên nhắn /hoten cho bot "
    "trước khi in giấy chứng nhận.</i>"
)
CERTIFICATES_BUSY = "⏳ Đang tạo giấy chứng nhận, xin chờ trong giây lát…"
CERTIFICATES_NONE = "Chưa có ai đạt giải nên chưa có giấy chứng nhận. Xem: /giaithuong {id}"
CERTIFICATES_CAPTION = (
    "🏅 Giấy chứng nhận {contest}: {count} giấy (mỗi người, mỗi tập thể một tệp PDF khổ A4 ngang), kèm tệp "
    "tat-ca-de-in.pdf gộp tất cả để in một lần."
)

# the certificate itself (PDF, plain text) ---------------------------------------------------------------------
CERT_TITLE = "GIẤY CHỨNG NHẬN"
CERT_BY = "BAN TỔ CHỨC {name}"
CERT_MEMBER = "Đồng chí {name}"
CERT_CELL = "{name}"
CERT_UNIT = "Đơn vị: {group}"
CERT_PRIZE = "Đạt {prize}"
CERT_IN = "{name}, từ ngày {start} đến ngày {end}"
CERT_PLACE_DATE = "Hải Phòng, ngày {day} tháng {month} năm {year}"
CERT_SIGNATURE = "TM. BAN TỔ CHỨC"
CERT_FILE = "{index:03d}-{prize}-{name}.pdf"
CERT_ALL_FILE = "tat-ca-de-in.pdf"  # every certificate in one file, to print
