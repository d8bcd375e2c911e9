"""The zero-setup demo on SQLite: it loads, and search still works, more simply."""

import os
import subprocess
import sys

from django.conf import settings

CHECK = """
from django.test import Client
client = Client()
print("LIST", client.get("/stories/").status_code)
page = client.get("/stories/", {"q": "co-production"}).content.decode()
print("HITS", page.count('class="story-card"'))
redacted = client.get("/stories/", {"q": "Dean Foster"}).content.decode()
print("REDACTED", redacted.count('class="story-card"'))
print("MARK", "<mark>" in page)
"""


def test_demo_loads_and_searches_on_sqlite(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "1",
        "DEMO_MODE": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ALLOWED_HOSTS": "testserver",
    }

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    manage("migrate", "--noinput")
    manage("seed_demo")
    lines = manage("shell", "-c", CHECK).splitlines()
    output = dict(line.split(" ", 1) for line in lines if line.split(" ")[0].isupper())
    assert output["LIST"] == "200"
    assert int(output["HITS"]) >= 2
    assert output["REDACTED"] == "0"
    assert output["MARK"] == "True"
