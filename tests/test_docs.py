"""The docs live in the repository and the code's references to them resolve: every "§N"
the code cites is a section of docs/bilibili-api.md, every docs/*.md named anywhere
exists, no file points at documents outside the repository, every BILIREC_* setting
settings.py reads is in docs/settings.md, and the README stays short."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import settings as settings_module
from settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
THIS = Path(__file__).resolve()

SKIP_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache",
             ".bilirec", ".hypothesis"}
TEXT_SUFFIXES = {".py", ".md", ".js", ".html", ".css", ".yml", ".yaml", ".sh", ".toml",
                 ".txt", ".cfg", ".ini", ".example"}
TEXT_NAMES = {"Procfile", "Makefile", "Dockerfile", "run"}

SECTION_REF = re.compile(r"§\s*(\d+(?:\.\d+)*)")
SECTION_HEADING = re.compile(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", re.MULTILINE)
DOC_PATH = re.compile(r"(?<![\w/.-])docs/([\w-]+\.md)\b")
MD_LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)")
# Documents that lived outside the repository; nothing may point there any more.
OUTSIDE = re.compile(r"CONTRACT\.md|DESIGN\.md|/work/shared|\bCONTRACT\b|\bDESIGN\b")


def text_files() -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for name in filenames:
            path = Path(dirpath) / name
            if path.suffix in TEXT_SUFFIXES or name in TEXT_NAMES:
                found.append(path)
    return sorted(found)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def where(path: Path, text: str, pos: int) -> str:
    return f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, pos) + 1}"


def test_every_section_cited_is_a_heading_of_the_api_reference() -> None:
    headings = set(SECTION_HEADING.findall(read(DOCS / "bilibili-api.md")))
    # The numbering of the original reference: 0–17 with their subsections.
    assert {str(n) for n in range(18)} <= headings
    cited, missing = 0, []
    for path in text_files():
        text = read(path)
        for match in SECTION_REF.finditer(text):
            cited += 1
            if match[1] not in headings:
                missing.append(f"{where(path, text, match.start())}: §{match[1]}")
    assert cited > 100, "the scan found almost no § references: is it reading the tree?"
    assert not missing, "cited sections missing from docs/bilibili-api.md:\n" + "\n".join(missing)


def test_every_docs_path_named_in_code_or_readme_exists() -> None:
    named, missing = 0, []
    for path in text_files():
        text = read(path)
        for match in DOC_PATH.finditer(text):
            named += 1
            if not (DOCS / match[1]).is_file():
                missing.append(f"{where(path, text, match.start())}: docs/{match[1]}")
    assert named >= 10
    assert not missing, "named but missing:\n" + "\n".join(missing)


def test_markdown_links_between_the_docs_resolve() -> None:
    pages = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    checked, broken = 0, []
    for page in pages:
        text = read(page)
        for match in MD_LINK.finditer(text):
            if "://" in match[1]:
                continue
            checked += 1
            if not (page.parent / match[1]).resolve().is_file():
                broken.append(f"{where(page, text, match.start())}: {match[1]}")
    assert checked >= 20
    assert not broken, "links to missing pages:\n" + "\n".join(broken)


def test_nothing_points_at_documents_outside_the_repository() -> None:
    outside = []
    for path in text_files():
        if path == THIS or path.name == "LICENSE":
            continue
        text = read(path)
        for match in OUTSIDE.finditer(text):
            outside.append(f"{where(path, text, match.start())}: {match[0]}")
    assert not outside, "cite docs/*.md instead:\n" + "\n".join(outside)


def settings_read() -> set[str]:
    """Every BILIREC_* name settings.py reads: the reader calls, the secrets (and their
    _FILE twins), the retired names it warns about, and one per field of Settings."""
    source = read(ROOT / "settings.py")
    names = {f"BILIREC_{n}" for n in re.findall(r"reader\.\w+\(\s*\"([A-Z0-9_]+)\"", source)}
    secrets = set(re.findall(r"\"(BILIREC_[A-Z0-9_]+)\"", source))
    names |= secrets | {f"{name}_FILE" for name in secrets if not name.endswith("_FILE")}
    names |= {f"BILIREC_{name}" for name in settings_module.RETIRED}
    names |= set(Settings(secret_key="x" * 40).to_env())
    return names


def test_every_setting_read_is_documented() -> None:
    names = settings_read()
    assert len(names) > 50
    page = read(DOCS / "settings.md")
    documented = set(re.findall(r"`(BILIREC_[A-Z0-9_]+)`", page))
    assert sorted(names - documented) == []


def test_readme_is_short_and_keeps_the_test_command() -> None:
    readme = read(ROOT / "README.md")
    assert len(readme.splitlines()) <= 220
    assert "make test" in readme  # CI runs README's test command (.ci/run)
    assert readme.index("docs/picks.png") < readme.index("## Quick start")


@pytest.mark.parametrize("page", ["architecture", "api", "settings", "model", "reliability",
                                  "performance", "development", "bilibili-api"])
def test_each_page_is_linked_from_the_readme(page: str) -> None:
    assert f"](docs/{page}.md)" in read(ROOT / "README.md")
