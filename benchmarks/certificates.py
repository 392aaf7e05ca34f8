"""Certificates for a large contest: 500 winners' PDFs (A4 landscape, DejaVu Sans embedded) in one .zip (and all of them in one PDF to print).

    python -m benchmarks.certificates              # 500 certificates
    python -m benchmarks.certificates --smoke      # 20, correctness only (CI)

Times what `/chungnhan` does after reading the awards list: making every certificate and the archive, in one
thread, as the bot runs it (asyncio.to_thread). Target: 500 certificates < 60 s. Each PDF is read back (pypdf)
to check it is one page naming its winner.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import zipfile
from datetime import date

from pypdf import PdfReader

from hpbot.reports.certificates import Certificate, archive
from hpbot.texts.awards import CERT_ALL_FILE

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Thị", "Văn", "Minh", "Thanh", "Quốc", "Thu")
GIVEN = ("Hương", "Lan", "Hùng", "Tuấn", "Bình", "Cường", "Dũng", "Hoa", "Phượng", "Nghĩa")
PRIZES = ("Giải Nhất", "Giải Nhì", "Giải Ba", "Giải Khuyến khích")


def winners(count: int) -> list[Certificate]:
    contest = "Cuộc thi trực tuyến tìm hiểu Văn kiện Đại hội đại biểu Đảng bộ thành phố Hải Phòng lần thứ I"
    period = f"{contest}, từ ngày 01/12/2026 đến ngày 31/12/2026"
    out = []
    for i in range(count):
        name = f"{SURNAMES[i % 10]} {MIDDLE[i // 10 % 6]} {GIVEN[i // 60 % 10]}"
        unit = f"Đơn vị: Chi bộ Khu dân cư số {i % 40 + 1} — phường Hồng Bàng"
        prize = PRIZES[min(3, i // 10)]
        out.append(Certificate(prize, f"Đồng chí {name}", unit, contest, period, date(2026, 12, 31)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    count = 20 if args.smoke else args.count
    command = "python -m benchmarks.certificates" + (" --smoke" if args.smoke else f" --count {count}")
    certs = winners(count)
    started = time.perf_counter()
    data = archive(certs)
    elapsed = time.perf_counter() - started
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = [name for name in zf.namelist() if name != CERT_ALL_FILE]
        printable = len(PdfReader(io.BytesIO(zf.read(CERT_ALL_FILE))).pages)
        wrong = [
            name
            for name, cert in zip(names, certs, strict=True)
            if len(pages := PdfReader(io.BytesIO(zf.read(name))).pages) != 1
            or cert.recipient not in pages[0].extract_text()
        ]
    print(command)
    print(f"certificates: {count}, archive {len(data) / 1e6:.1f} MB ({len(data) / count / 1e3:.1f} KB each)")
    print(f"made in {elapsed:.2f} s ({1000 * elapsed / count:.1f} ms each); target for 500: < 60 s")
    if len(names) != count or wrong or printable != count:
        print(f"FAILED: {len(names)} files, {len(wrong)} not naming their winner", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
