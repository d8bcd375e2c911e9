"""docs/security.md stays true to the code: every file, setting and command it names exists."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

DOC = (Path(settings.BASE_DIR) / "docs" / "security.md").read_text()
CODE_NAMES = re.findall(r"`([^`]+)`", DOC)
SETTINGS_SOURCE = (Path(settings.BASE_DIR) / "corpro" / "settings.py").read_text()


def test_every_file_the_page_names_exists():
    paths = {name for name in CODE_NAMES if re.fullmatch(r"[\w./-]+\.(py|md)", name)}
    assert paths, "the page names no files"
    missing = [p for p in sorted(paths) if not (Path(settings.BASE_DIR) / p).exists()]
    assert missing == []


def test_every_setting_the_page_names_is_read_by_the_settings():
    """Each is an environment variable corpro/settings.py reads, or a Django setting."""
    read = set(re.findall(r"\"([A-Z][A-Z_]+)\"", SETTINGS_SOURCE))
    names = {name.split("=")[0] for name in CODE_NAMES if re.fullmatch(r"[A-Z][A-Z_]+(=1)?", name)}
    assert {"REQUIRE_TWO_FACTOR", "SESSION_IDLE_MINUTES", "REPORT_SMALL_NUMBER"} <= names
    missing = sorted(name for name in names - read if not hasattr(settings, name))
    assert missing == []


def test_every_command_the_page_names_exists():
    commands = {
        match.group(1)
        for name in CODE_NAMES
        if (match := re.fullmatch(r"(?:python )?manage\.py (\w+).*", name))
    }
    assert {"erase_expired", "worker", "delete_expired_copies"} <= commands
    assert commands - set(get_commands()) == set()


def test_the_migration_it_names_is_the_audit_trigger():
    [migration] = [n for n in CODE_NAMES if re.fullmatch(r"stories/\d{4}_\w+", n)]
    text = (Path(settings.BASE_DIR) / "stories" / "migrations" / f"{migration[8:]}.py").read_text()
    assert "TRIGGER" in text.upper()
