"""The live board: what the organizer is told in the chat (/bangtructiep), and the words of the web page itself."""

# the organizer, in private chat -------------------------------------------------------------------------------
USAGE = (
    "Cách dùng: /bangtructiep số — đường liên kết tới bảng xếp hạng trực tiếp của cuộc thi, để chiếu lên màn hình "
    "trong hội nghị; /bangtructiep số moi — đổi đường liên kết mới (đường cũ thôi hoạt động); "
    "/bangtructiep số tat — thu hồi đường liên kết."
)
OFF_ON_SERVER = (
    "Bảng xếp hạng trực tiếp chưa được bật trên máy chủ của bot. Đồng chí đề nghị cán bộ kỹ thuật đặt "
    "HPBOT_BOARD_URL (xem hướng dẫn triển khai)."
)
LINK = (
    "📺 <b>Bảng xếp hạng trực tiếp</b> — {contest}\n"
    '<a href="{url}">{url}</a>\n\n'
    "Trang tự cập nhật khi các chi bộ trả lời; mở bằng trình duyệt trên máy chiếu hoặc điện thoại. Đáp án đúng "
    "của mỗi ngày chỉ được tính sau giờ công bố.\n"
    "Ai có đường liên kết này đều xem được: đồng chí chỉ gửi cho người cần. "
    "Đổi đường mới: /bangtructiep {id} moi · Thu hồi: /bangtructiep {id} tat"
)
REVOKED = "Đã thu hồi đường liên kết bảng xếp hạng trực tiếp của {contest}: trang cũ không còn mở được."
NONE_TO_REVOKE = "{contest} chưa có đường liên kết bảng xếp hạng trực tiếp nào."
UNKNOWN_WORD = "Tôi không hiểu «{word}»."

# the web page ---------------------------------------------------------------------------------------------------
PAGE_TITLE = "Bảng xếp hạng trực tiếp — {name}"
HEADING = "Bảng xếp hạng trực tiếp"
PERIOD = "Từ {start} đến {end}"
AS_OF = "Số liệu tính đến {at}"
ENDED = "Cuộc thi đã kết thúc"
LIVE = "Trực tiếp"
REFRESHING = "Tự làm mới sau mỗi {seconds} giây"
CELLS = "Xếp hạng chi bộ"
CELL = "Chi bộ"
RANK = "Hạng"
PARTICIPATION = "Tham gia"
MEAN_POINTS = "Điểm bình quân"
MORE_CELLS = "… và {count} chi bộ khác"
NO_CELLS = "Chưa có chi bộ nào tham gia."
MEMBERS = "Đảng viên dẫn đầu"
MEMBER = "Đảng viên"
POINTS = "Điểm"
NO_MEMBERS = "Chưa có điểm: điểm được tính sau giờ công bố đáp án."
UNITS = "Tham gia theo đơn vị"
UNIT = "Đơn vị"
UNIT_CELLS = "{cells} chi bộ"
TODAY = "Hôm nay, {date}"
TODAY_POSTED = "Đã đăng câu hỏi: {posted}/{groups} chi bộ"
TODAY_REVEALED = "Đã công bố đáp án: {revealed}/{groups}"
TODAY_ANSWERS = "Lượt trả lời: {answers}"
NOT_A_STUDY_DAY = "Hôm nay ngoài thời gian cuộc thi."
NOT_FOUND_TITLE = "Không tìm thấy trang"
NOT_FOUND = (
    "Đường liên kết không đúng hoặc đã được ban tổ chức thu hồi. Đồng chí đề nghị ban tổ chức gửi đường liên kết "
    "mới."
)
TOO_MANY = "Quá nhiều yêu cầu; đồng chí thử lại sau ít giây."
