"""The command line as an operator and a newcomer meet it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args, env=None, timeout=90):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HPBOT_")}
    return subprocess.run(
        args,
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_bot_without_token_exits_2_with_a_clear_message(tmp_path):
    result = run([sys.executable, "bot.py"], {"HPBOT_DB": str(tmp_path / "x.sqlite3")})
    assert result.returncode == 2
    assert "HPBOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_token_exits_2_without_echoing_it(tmp_path):
    result = run([sys.executable, "-m", "hpbot", "run"], {"HPBOT_TOKEN": "oops-secret-value"})
    assert result.returncode == 2
    assert "malformed" in result.stderr and "oops-secret-value" not in result.stderr


def test_the_demo_runs_the_bot_with_its_real_pacing(tmp_path):
    """The demo's bot paces as in production (its windows follow the demo's clock); only the simulated Telegram's
    own limits are off."""
    from hpbot.config import load_config
    from hpbot.demo import Demo, Printer

    demo = Demo(1, tmp_path, Printer())
    config = load_config(demo.bot_env(), dotenv=None)
    assert (config.rate_per_second, config.group_rate_per_minute) == (30.0, 20.0)
    assert config.board_url == f"http://127.0.0.1:{demo.board_port}"


def test_demo_plays_a_whole_day_and_exits_0():
    result = run([sys.executable, "-m", "hpbot", "demo"])
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for expected in (
        "/dangky",
        "Câu hỏi ngày",
        "bấm [ ",
        "Đã ghi nhận",
        "lần nữa",
        "chỉ lần bấm đầu tiên",
        "📖 Nội dung học: Câu 1",
        "❓ Câu hỏi trắc nghiệm:",
        "không được tính",  # the hint for a typed answer
        "Trả lời chính thức — Câu 1",
        "trích dẫn thu gọn",  # the long official answer, collapsed as a phone shows it
        "Kết quả ngày",
        "đồng chí (",  # "4/5 đồng chí (80%)"
        "Các phương án: A:",
        "[ 📋 Kết quả của tôi ]",
        "hộp thoại riêng, chỉ",  # a member's own result: the pop-up only they see
        "đồng chí chọn",
        "Bảng xếp hạng",
        "🧠 Ôn tập ·",  # private practice (the option chosen wrong in the group comes back as "ôn lại")
        "Yêu cầu tham gia",  # the contest: a cell's request, approved by the organizer
        "Ban tổ chức đã duyệt",
        "Lịch thi của",  # the contest's own study days, for every cell
        "Danh sách đoạt giải",
        "giay-chung-nhan-1.zip",
        "/bang/",  # the live board's link, and the page it opens, read from the bot process's own server
        "Trang bảng xếp hạng trực tiếp",
        "Lượt trả lời: ",
        "Đã nhập danh sách đơn vị",  # the unit list, a cell linked by its code, a prediction
        "Nhóm đã được gắn với",
        "Đã ghi dự đoán",
        "Tham gia theo đơn vị",  # the live board's units
        "Xong: 1 ngày học",
    ):
        assert expected.lower() in out.lower(), expected
    # realistic names only, shown as plain text (a hostile name is the end-to-end tests' business)
    assert "<b>" not in out and "&_*" not in out


def test_demo_week_shows_streaks_on_the_weekly_board():
    result = run([sys.executable, "-m", "hpbot", "demo", "--days", "7"])
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Ngày 7: 06/12/2026" in result.stdout
    assert "Bảng xếp hạng tuần này (30/11 – 06/12)" in result.stdout
    assert any(f"chuỗi {n}" in result.stdout for n in range(2, 8))
