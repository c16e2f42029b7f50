"""ui/locales/zh.json against the code: nothing missing, nothing unused, nothing left in English."""

from __future__ import annotations

import ast
import json
import re

import pytest

from devtools.live import ROOT
from ui.i18n import LOCALES, catalogue

APP_FILES = [
    ROOT / "streamlit_app.py",
    *sorted((ROOT / "app_pages").glob("*.py")),
    *sorted((ROOT / "ui").rglob("*.py")),
    *sorted((ROOT / "nnlib").rglob("*.py")),
    *sorted((ROOT / "server").rglob("*.py")),
]
# Words a Chinese text keeps in English: names of things students type or see in code and papers.
KEPT_IN_ENGLISH = {"Dropout"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def translatable_texts() -> set[str]:
    """Every template the app translates: literal t("…") calls, plus the tables it translates by variable."""
    from ui.navigation import PAGES
    from ui.session import MODEL_DESCRIPTIONS
    from ui.settings import PRESET_LABELS, SCHEDULE_LABELS

    texts = set(MODEL_DESCRIPTIONS) | set(PRESET_LABELS.values()) | set(SCHEDULE_LABELS.values())
    texts |= {label for _, label in PAGES}  # the sidebar's labels
    for path in APP_FILES:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                texts.add(node.args[0].value)
    return texts | config_problem_texts()


def config_problem_texts() -> set[str]:
    """nnlib/config.py's problem templates (Problem, ConfigError) and the setting names they fill in."""
    texts = set()
    for node in ast.walk(ast.parse((ROOT / "nnlib" / "config.py").read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Problem", "ConfigError"):
            texts |= {node.args[0].value} if isinstance(node.args[0], ast.Constant) else set()
        elif isinstance(node, ast.For) and isinstance(node.iter, ast.Tuple):  # (name, value, limits) loops
            texts |= {entry.elts[0].value for entry in node.iter.elts if isinstance(entry, ast.Tuple)}
    return texts


def code_strings() -> set[str]:
    """Every string literal in the app's code (implicitly joined pieces count as one), wherever it goes to t()."""
    return {
        node.value
        for path in APP_FILES
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def missing(entries, templates) -> list[str]:
    return sorted(text for text in templates if text not in entries)


def unused(entries, strings) -> list[str]:
    """Entries whose English appears nowhere in the code: no t() call can ever ask for them."""
    return sorted(text for text in entries if text not in strings)


def untranslated(entries) -> list[str]:
    """Entries whose text has no Chinese character but English words (placeholders and kept names aside)."""
    return sorted(
        text
        for text, translated in entries.items()
        if not CJK.search(translated)
        and set(re.findall(r"[A-Za-z]{3,}", PLACEHOLDER.sub("", translated))) - KEPT_IN_ENGLISH
    )


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{(\w+)", text))


def test_every_text_has_a_chinese_translation():
    texts = translatable_texts()
    assert len(texts) > 200
    entries = catalogue("zh")
    assert not missing(entries, texts), missing(entries, texts)
    for text in texts:  # the same placeholders in both languages
        assert placeholders(text) == placeholders(entries[text]), text


def test_every_chinese_entry_is_used_by_the_code():
    entries = catalogue("zh")
    assert not unused(entries, code_strings()), unused(entries, code_strings())


def test_no_chinese_entry_is_left_in_english():
    entries = catalogue("zh")
    assert not untranslated(entries), untranslated(entries)


def test_every_entry_keeps_its_placeholders():
    entries = catalogue("zh")
    wrong = [text for text, translated in entries.items() if placeholders(text) != placeholders(translated)]
    assert not wrong, wrong


@pytest.mark.parametrize(
    "fault,check",
    [
        ({"Choose at least one digit.": "请至少选择一个数字。"}, "missing"),
        ({"A sentence no code says.": "没有代码会说的一句话。"}, "unused"),
        ({"Choose at least one digit.": "Choose at least one digit."}, "untranslated"),
        ({"Choose at least one digit.": "Choose at least one digit, please."}, "untranslated"),
    ],
)
def test_the_checks_catch_each_fault(fault, check):
    """Each check, on the real catalogue with one fault put in, names the faulty entry."""
    entries = dict(catalogue("zh"))
    if check == "missing":
        for text in fault:
            del entries[text]
        assert missing(entries, translatable_texts()) == list(fault)
    elif check == "unused":
        entries |= fault
        assert unused(entries, code_strings()) == list(fault)
    else:
        entries |= fault
        assert untranslated(entries) == list(fault)


def test_formulas_names_and_symbols_count_as_translated():
    kept = {"p = {p:.3f}": "p = {p:.3f}", "Dropout {share:g}": "Dropout {share:g}", "📽 + 📱": "📽 + 📱"}
    assert untranslated(kept) == []


def test_the_locale_file_is_sorted_utf8_json_read_once():
    path = LOCALES / "zh.json"
    text = path.read_text(encoding="utf-8")
    entries = json.loads(text)
    assert list(entries) == sorted(entries)
    assert "\\u" not in text  # Chinese as Chinese, readable in a diff
    assert catalogue("zh") is catalogue("zh")
    with pytest.raises(TypeError):
        catalogue("zh")["Digits"] = "shared by every session: read-only"


def test_no_python_module_holds_translations():
    """Chinese appears in code only where a language names itself (the switch), never as a translation."""
    from ui.i18n import LANGUAGES

    own_names = set(LANGUAGES.values()) | {"Language / 语言"}
    modules = [ROOT / "streamlit_app.py", *ROOT.glob("app_pages/*.py"), *(ROOT / "ui").rglob("*.py")]
    holders = {
        path.name: node.value
        for path in modules
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CJK.search(node.value)
        and node.value not in own_names
    }
    assert not holders, holders
