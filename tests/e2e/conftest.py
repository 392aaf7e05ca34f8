import pytest

from hpbot.clock import FakeClock
from hpbot.content import load_bank
from hpbot.testing import FakeTelegram, Limits
from tests.e2e.harness import BotUnderTest, local

GROUP, OTHER = -1001, -1002
ADMIN, LAN, HUNG, TUAN, NAUGHTY = 500, 501, 502, 503, 504


@pytest.fixture(scope="session")
def bank():
    return load_bank()


@pytest.fixture
async def fake():
    fake = FakeTelegram(
        limits=Limits.off()
    )  # the fake clock moves days in milliseconds; flood limits: test_fake_strict
    await fake.start()
    fake.add_user(ADMIN, "Bí thư", "Chi bộ")
    fake.add_user(LAN, "Nguyễn Thị", "Lan")
    fake.add_user(HUNG, "Trần Văn", "Hùng")
    fake.add_user(TUAN, "Phạm Minh", "Tuấn")
    fake.add_user(NAUGHTY, "<b>&_*", None)
    fake.add_group(GROUP, "Chi bộ Khu 3", admins=[ADMIN], members=[LAN, HUNG, TUAN, NAUGHTY])
    yield fake
    await fake.stop()


@pytest.fixture
def clock():
    return FakeClock(local(2026, 11, 30, 6, 0))  # a Monday


@pytest.fixture
async def bot(fake, clock, bank, tmp_path):
    under_test = BotUnderTest(fake, tmp_path / "hpbot.sqlite3", clock, bank)
    await under_test.start()
    yield under_test
    await under_test.stop()
