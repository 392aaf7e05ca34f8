"""Every text a chat user reads addresses them as "đồng chí" and is spelt as the cells' own usage and a careful
editor have it: no "Bạn", "Xóa" (not "Xoá"), times as "giờ:phút" (not "GG:PP"), Vietnam's time (not a tz name)."""

import pkgutil
from importlib import import_module

import hpbot.texts


def every_text():
    modules = [hpbot.texts] + [
        import_module(f"hpbot.texts.{m.name}") for m in pkgutil.iter_modules(hpbot.texts.__path__)
    ]
    for module in modules:
        for name, value in vars(module).items():
            if name.isupper() and not name.endswith("_WORDS"):  # *_WORDS: what a member may type, not texts
                values = value if isinstance(value, list | tuple | dict) else [value]
                if isinstance(value, dict):
                    values = list(value.values())
                for item in values:
                    for text in item if isinstance(item, tuple) else (item,):
                        if isinstance(text, str):
                            yield f"{module.__name__}.{name}", text


def test_there_are_texts_to_check():
    assert sum(1 for _ in every_text()) > 300


def test_members_are_addressed_as_dong_chi_in_every_text():
    for where, text in every_text():
        words = text.replace("\n", " ").split()
        assert "Bạn" not in words and "bạn" not in words, where
        assert "Xoá" not in text and "xoá" not in text, where
        assert "GG:PP" not in text and "Asia/Ho_Chi_Minh" not in text, where
        assert "Nhanh và đúng nhất" not in text, where
