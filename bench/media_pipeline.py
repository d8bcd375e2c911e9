"""Measure the media pipeline: how long the worker's one ffmpeg pass takes per audio minute.

Run from the project folder: `.venv/bin/python bench/media_pipeline.py [audio minutes] [video
minutes]` (default 10 and 2). It writes a phone-like recording of each length into a temporary
folder (stereo 44.1 kHz AAC in M4A of pink noise over a tone, and for video 640×360 at 25 frames
a second in MP4), runs stories.media.make_copies on it (loudness normalised, one span silenced,
MP3 + Opus + waveform, and the H.264 copy for the video) and prints the time it took, the time
per audio minute, the real-time factor and ffmpeg's peak resident memory.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corpro.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "1")
django.setup()

from stories.media import make_copies  # noqa: E402


def write_recording(path: Path, minutes: float, *, video: bool) -> None:
    seconds = minutes * 60
    sound = f"anoisesrc=c=pink:a=0.05:d={seconds},volume=1[n];sine=f=220:d={seconds}[t];[n][t]amix"
    picture = ["-f", "lavfi", "-i", f"testsrc=s=640x360:r=25:d={seconds}"] if video else []
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", sound, *picture,
         "-ac", "2", "-ar", "44100", "-c:a", "aac", "-b:a", "128k",
         *(["-c:v", "libx264", "-preset", "ultrafast"] if video else []), str(path)],
        check=True,
    )  # fmt: skip


def measure(minutes: float, *, video: bool) -> None:
    """Make the input here, then the copies in a fresh process, so its peaks are the copies'."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / ("phone.mp4" if video else "phone.m4a")
        write_recording(source, minutes, video=video)
        subprocess.run(
            [sys.executable, __file__, "--copy", str(source), str(minutes), str(int(video))],
            check=True,
        )


def copy(source: Path, minutes: float, video: bool) -> None:
    started = time.perf_counter()
    made = make_copies(str(source), source.parent, [(30.0, 35.0)], video=video,
                       duration=minutes * 60)  # fmt: skip
    took = time.perf_counter() - started
    sizes = ", ".join(
        f"{path.suffix[1:]} {path.stat().st_size / 1e6:.1f} MB"
        for path in (made.mp3, made.opus, made.video)
        if path
    )
    ffmpeg_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    python_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kind = "video" if video else "audio"
    print(
        f"{kind} {minutes:g} min | {took:.1f} s | {took / minutes:.2f} s per audio minute"
        f" | {took / (minutes * 60):.3f}x real time | ffmpeg peak {ffmpeg_peak:.0f} MB"
        f" | Python peak {python_peak:.0f} MB | {sizes}"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--copy"]:
        copy(Path(sys.argv[2]), float(sys.argv[3]), sys.argv[4] == "1")
        sys.exit()
    audio_minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    video_minutes = float(sys.argv[2]) if len(sys.argv) > 2 else 2
    measure(audio_minutes, video=False)
    if video_minutes:
        measure(video_minutes, video=True)
