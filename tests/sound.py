"""Sound for the tests: make files with ffmpeg, and read them back with ffprobe and ffmpeg."""

import json
import re
import subprocess
from pathlib import Path


def ffmpeg(*arguments) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *arguments], check=True)


def probe(content: bytes, folder: Path) -> dict:
    """Return ffprobe's view of a file's format and streams."""
    path = folder / "probed"
    path.write_bytes(content)
    completed = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def loudest(content: bytes, folder: Path, start: float, end: float) -> float:
    """Return the loudest sample (dBFS) between two times, as ffmpeg's volumedetect finds it."""
    path = folder / "measured"
    path.write_bytes(content)
    completed = subprocess.run(
        ["ffmpeg", "-nostdin", "-ss", str(start), "-to", str(end), "-i", path,
         "-af", "volumedetect", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(re.search(r"max_volume: (-?[\d.]+|-inf) dB", completed.stderr).group(1))


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)
