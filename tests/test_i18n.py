"""The Simplified Chinese catalog: complete, compiled, covering the code, and used.

The .po file is parsed here with the standard library (no polib), and the committed .mo
is read with ``gettext.GNUTranslations``, so these tests need no GNU gettext either.
When one fails after a change to templates or code, run ``make messages``, translate the
new entries in locale/zh_Hans/LC_MESSAGES/django.po and run ``make messages`` again.
"""

import ast
import gettext
import os
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trim_whitespace

BASE_DIR = Path(settings.BASE_DIR)
MESSAGES_DIR = BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = MESSAGES_DIR / "django.po"
MO_PATH = MESSAGES_DIR / "django.mo"
HOW_TO_FIX = "run `make messages`, translate in django.po, then `make messages` again"

# Where `make messages` does not look (see the Makefile) and what is not ours.
SKIPPED_DIRS = {
    ".git",
    ".venv",
    "node_modules",
    "staticfiles",
    "var",
    "tests",
    "scripts",
    "benchmarks",
    "migrations",
    "__pycache__",
}


# --- A small .po parser ------------------------------------------------------------------
@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def where(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$')


def _unquote(literal: str) -> str:
    # PO strings use C escapes (\n, \t, \", \\), which read the same as Python's.
    return ast.literal_eval(literal)


def parse_po(text: str) -> tuple[Entry, list[Entry]]:
    """The header entry and the other (non-obsolete) entries of a .po file."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[object, object] | None = None  # (container, key) continuation lines extend

    def finish():
        nonlocal entry, target
        if entry is not None and entry.msgstr:
            entries.append(entry)
        entry, target = None, None

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):  # end of an entry, or an obsolete one
            finish()
            continue
        if line.startswith("#"):
            if entry is not None and entry.msgstr:  # a comment opens the next entry
                finish()
            entry = entry or Entry(line=lineno)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        match = _KEYWORD.match(line)
        if match:
            name, index, literal = match.groups()
            if name in ("msgctxt", "msgid") and entry is not None and entry.msgstr:
                finish()
            entry = entry or Entry(line=lineno)
            if name == "msgstr":
                target = (entry.msgstr, int(index or 0))
                entry.msgstr[target[1]] = _unquote(literal)
            else:
                target = (entry, name)
                setattr(entry, name, _unquote(literal))
            continue
        if line.startswith('"') and target is not None:
            container, key = target
            if isinstance(container, dict):
                container[key] += _unquote(line)
            else:
                setattr(container, key, getattr(container, key) + _unquote(line))
            continue
        raise AssertionError(f"django.po:{lineno}: cannot read {raw!r}")
    finish()
    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1, "django.po needs exactly one header entry"
    return headers[0], [e for e in entries if e is not headers[0]]


def _header_fields(header: Entry) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in header.msgstr[0].splitlines() if ":" in line)
    return {key.strip().lower(): value.strip() for key, value in pairs}


@pytest.fixture(scope="module")
def catalog():
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def msgids(catalog):
    _header, entries = catalog
    return {entry.msgid for entry in entries if entry.msgctxt is None}


@pytest.fixture(autouse=True)
def _back_to_default_language():
    """Requests activate Chinese on this thread; don't let it leak into later tests."""
    yield
    translation.deactivate()


# --- The catalog itself ------------------------------------------------------------------
def test_parser_reads_escapes_plurals_and_context():
    header, entries = parse_po(
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n'
        '#, fuzzy, python-format\nmsgid "a \\"%(x)s\\"\\n"\n"b"\nmsgstr "甲"\n'
        'msgctxt "menu"\nmsgid "File"\nmsgstr "文件"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "多"\n\n#~ msgid "gone"\n#~ msgstr "旧"\n'
    )
    assert _header_fields(header) == {"language": "zh_Hans"}
    assert [(e.msgctxt, e.msgid, e.msgid_plural, e.msgstr) for e in entries] == [
        (None, 'a "%(x)s"\nb', None, {0: "甲"}),
        ("menu", "File", None, {0: "文件"}),
        (None, "one", "many", {0: "多"}),
    ]
    assert entries[0].flags == {"fuzzy", "python-format"}


def test_header_declares_simplified_chinese(catalog):
    header, entries = catalog
    fields = _header_fields(header)
    assert "fuzzy" not in header.flags
    assert fields["language"] == "zh_Hans"
    assert fields["content-type"] == "text/plain; charset=UTF-8"
    assert fields["plural-forms"] == "nplurals=1; plural=0;"
    assert len(entries) > 200, "the catalog looks truncated"


def test_every_entry_is_translated_and_none_is_fuzzy(catalog):
    _header, entries = catalog
    fuzzy = [e.where for e in entries if "fuzzy" in e.flags]
    untranslated = [e.where for e in entries if not all(e.msgstr.values())]
    plural_forms_missing = [e.where for e in entries if e.msgid_plural and 0 not in e.msgstr]
    assert not fuzzy, f"Check these translations and drop their fuzzy flag: {fuzzy}"
    assert not untranslated, f"Untranslated ({HOW_TO_FIX}): {untranslated}"
    assert not plural_forms_missing, (
        f"Chinese has one plural form, msgstr[0]: {plural_forms_missing}"
    )


_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxX%]")


def test_placeholders_survive_translation(catalog):
    _header, entries = catalog
    wrong = []
    for entry in entries:
        if "python-format" not in entry.flags:
            continue
        expected = sorted(_PLACEHOLDER.findall(entry.msgid))
        for text in entry.msgstr.values():
            if sorted(_PLACEHOLDER.findall(text)) != expected:
                wrong.append(entry.where)
    assert not wrong, f"Placeholders differ between msgid and msgstr: {wrong}"


def test_compiled_catalog_matches_the_po_file(catalog):
    """django.mo is committed: it must be compiled from the current django.po."""
    _header, entries = catalog
    with MO_PATH.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert compiled.info().get("language") == "zh_Hans"

    stale = []
    for entry in entries:
        if entry.msgid_plural is not None:
            for n in (1, 2, 5):
                got = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                if got != entry.msgstr[compiled.plural(n)]:
                    stale.append(entry.where)
        elif entry.msgctxt is not None:
            if compiled.pgettext(entry.msgctxt, entry.msgid) != entry.msgstr[0]:
                stale.append(entry.where)
        elif compiled.gettext(entry.msgid) != entry.msgstr[0]:
            stale.append(entry.where)
    assert not stale, f"django.mo is out of date ({HOW_TO_FIX}): {stale}"

    # Nothing extra either: the .mo holds the header plus exactly the .po's entries.
    data = MO_PATH.read_bytes()
    order = "<" if struct.unpack("<I", data[:4])[0] == 0x950412DE else ">"
    (count,) = struct.unpack(f"{order}I", data[8:12])
    assert count == len(entries) + 1, f"django.mo has {count - 1} messages, django.po has " + (
        f"{len(entries)} ({HOW_TO_FIX})"
    )


# --- The catalog covers the code ---------------------------------------------------------
def _source_files(*suffixes: str):
    for root, dirs, files in os.walk(BASE_DIR):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(suffixes):
                yield Path(root, name)


def _template_files():
    for path in _source_files(".html", ".txt"):
        if "templates" in path.relative_to(BASE_DIR).parts:
            yield path


_TRANS = re.compile(
    r"""\{%\s*trans(?:late)?\s+(?P<q>["'])(?P<text>.*?)(?P=q)(?P<rest>[^%]*)%\}""", re.S
)
_BLOCKTRANS = re.compile(
    r"\{%\s*blocktrans(?:late)?(?P<args>[^%]*)%\}(?P<body>.*?)\{%\s*endblocktrans(?:late)?\s*%\}",
    re.S,
)
_TEMPLATE_VAR = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_UNDERSCORE = re.compile(r"""\b_\((?P<q>["'])(?P<text>.*?)(?P=q)\)""")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def template_messages(path: Path, text: str):
    """(where, msgid) for the literal strings a template marks for translation."""
    rel = path.relative_to(BASE_DIR)
    for match in _TRANS.finditer(text):
        if "context" not in match["rest"]:
            # Django escapes a literal % the same way when extracting and translating.
            yield f"{rel}:{_line_of(text, match.start())}", match["text"].replace("%", "%%")
    for match in _BLOCKTRANS.finditer(text):
        args, body = match["args"], match["body"]
        if "context" in args or re.search(r"\{%\s*plural\s*%\}", body):
            continue
        msgid = _TEMPLATE_VAR.sub(r"%(\1)s", body.replace("%", "%%"))
        if re.search(r"\btrimmed\b", args):
            msgid = trim_whitespace(msgid)
        yield f"{rel}:{_line_of(text, match.start())}", msgid
    for match in _UNDERSCORE.finditer(text):
        yield f"{rel}:{_line_of(text, match.start())}", match["text"]


def test_template_scanner_reads_trans_blocktrans_and_underscore():
    found = [
        msgid
        for _where, msgid in template_messages(
            BASE_DIR / "templates" / "x.html",
            '{% trans "Sign in" %}{% translate \'A\' as a %}{% trans "Menu" context "x" %}'
            "{% blocktrans with n=x %}Page {{ n }} of 100%{% endblocktrans %}"
            "{% blocktrans trimmed %}\n  One\n  two\n{% endblocktrans %}"
            "{% blocktrans count c=n %}{{ c }} item{% plural %}{{ c }} items{% endblocktrans %}"
            '{{ x|default:_("system") }}',
        )
    ]
    assert found == ["Sign in", "A", "Page %(n)s of 100%%", "One two", "system"]


def test_every_template_string_is_in_the_catalog(msgids):
    missing, seen = [], 0
    for path in _template_files():
        for where, msgid in template_messages(path, path.read_text(encoding="utf-8")):
            seen += 1
            if msgid not in msgids:
                missing.append(f"{where} {msgid!r}")
    assert seen > 100, "the template scan found almost nothing: has templates/ moved?"
    assert not missing, f"Template strings missing from django.po ({HOW_TO_FIX}): {missing}"


_PY_GETTEXT = re.compile(
    r"""\b(?:_|gettext|gettext_lazy|gettext_noop)\(\s*"""
    r"""(?P<literal>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')\s*[,)]"""
)


def test_every_python_string_is_in_the_catalog(msgids):
    """Single-literal gettext calls in the apps (implicit concatenations are skipped)."""
    missing, seen = [], 0
    for path in _source_files(".py"):
        text = path.read_text(encoding="utf-8")
        for match in _PY_GETTEXT.finditer(text):
            seen += 1
            msgid = ast.literal_eval(match["literal"])
            if msgid not in msgids:
                where = f"{path.relative_to(BASE_DIR)}:{_line_of(text, match.start())}"
                missing.append(f"{where} {msgid!r}")
    assert seen > 100, "the Python scan found almost nothing"
    assert not missing, f"Python strings missing from django.po ({HOW_TO_FIX}): {missing}"


# --- Pages render in Chinese -------------------------------------------------------------
CHINESE_BROWSERS = {
    "cookie": ({"django_language": "zh-hans"}, {}),
    "accept-language zh-Hans": ({}, {"HTTP_ACCEPT_LANGUAGE": "zh-Hans"}),
    "accept-language zh-CN": ({}, {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.8"}),
}


def _assert_chinese_page(response):
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


@pytest.mark.parametrize("how", CHINESE_BROWSERS.values(), ids=CHINESE_BROWSERS.keys())
def test_login_page_in_chinese(client, db, how):
    cookies, headers = how
    for name, value in cookies.items():
        client.cookies[name] = value
    response = client.get(reverse("login"), **headers)
    _assert_chinese_page(response)
    content = response.content.decode()
    assert "<title>登录 · PMO</title>" in content  # "Sign in"
    assert "登录 PMO" in content  # "Sign in to the PMO"
    assert "忘记密码？" in content  # "Forgotten your password?"
    assert "Sign in to the PMO" not in content
    assert "Forgotten your password?" not in content


def test_login_page_stays_english_by_default(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Sign in to the PMO" in content
    assert "登录" not in content


def test_project_list_in_chinese(client, pm, project):
    client.force_login(pm)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("projects:project_list"))
    _assert_chinese_page(response)
    content = response.content.decode()
    assert '<h1 class="h3 mb-0">项目</h1>' in content  # "Projects"
    assert "导出 CSV" in content  # "Export CSV"
    assert "项目经理" in content  # "Project manager" column
    assert "项目组合" in content  # "Portfolio" in the navigation and the table
    assert "<td>启动</td>" in content  # stage choice "Initiation"
    assert "项目经理</span>" in content  # role badge "Project manager"
    for english in ("Export CSV", "Project manager", "Initiation", "Planned finish"):
        assert english not in content
    assert project.name in content  # data stays as entered


def test_csv_export_headers_in_chinese(client, pm, project):
    client.force_login(pm)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("projects:project_list"), {"format": "csv"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("编号,名称,项目组合,项目群,部门,项目经理,发起人,阶段")
    assert project.code in lines[1]


def test_profile_language_applies_without_cookie(client, pm, project):
    pm.language = "zh-hans"
    pm.save(update_fields=["language"])
    client.force_login(pm)
    assert "django_language" not in client.cookies
    # The saved preference beats the browser's Accept-Language.
    response = client.get(reverse("projects:project_list"), HTTP_ACCEPT_LANGUAGE="en")
    _assert_chinese_page(response)
    assert '<h1 class="h3 mb-0">项目</h1>' in response.content.decode()

    response = client.get(reverse("projects:project_detail", args=[project.code]))
    _assert_chinese_page(response)
    assert "编辑项目" in response.content.decode()  # "Edit project"


def test_language_cookie_wins_over_profile(client, pm, project):
    """The switcher's cookie lets a user try English without changing their profile."""
    pm.language = "zh-hans"
    pm.save(update_fields=["language"])
    client.force_login(pm)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("projects:project_list"))
    assert response["Content-Language"] == "en"
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Export CSV" in content
    assert "导出 CSV" not in content
