"""Peak memory and time of `zhenwei verify` on hostile and large packages.

    .venv/bin/python bench/bench_verify.py [--entry-mib 400]

Three zips, each checked by a fresh `zhenwei verify` process whose peak resident memory is
read from the kernel (getrusage of the child):
  bomb   a ~2 MB zip whose one entry inflates to 2 GiB (declared size over the limit);
  liar   the same entry with its declared sizes patched down to 1 KiB, so only the streamed
         count stops it;
  large  an honest entry of --entry-mib MiB, under the limit, read and hashed in full.
"""

from __future__ import annotations

import argparse
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

BLOCK = b"\0" * (1 << 20)


def _zip(path: Path, name: str, mib: int) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("SHA256SUMS", "")
        info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as w:
            for _ in range(mib):
                w.write(BLOCK)
    return path


def _liar(src: Path, dst: Path) -> Path:
    """Patch the zip64 extra fields' uncompressed size down to 1 KiB (local and central)."""
    raw = bytearray(src.read_bytes())
    big = struct.pack("<Q", 2 << 30)
    at = raw.find(big)
    count = 0
    while at != -1:
        raw[at : at + 8] = struct.pack("<Q", 1024)
        count += 1
        at = raw.find(big, at + 8)
    dst.write_bytes(bytes(raw))
    print(f"  liar: patched {count} size fields", flush=True)
    return dst


def _run(path: Path) -> tuple[int, float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "zhenwei.cli", "verify", str(path)],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    last = (proc.stderr.strip().splitlines() or [""])[-1]
    # ru_maxrss of children is the largest child so far: runs go smallest first
    return proc.returncode, max(peak, before) / 1024, elapsed, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entry-mib", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bomb = _zip(root / "bomb.zip", "bomb.bin", 2048)
        cases = [
            ("bomb", bomb),
            ("liar", _liar(bomb, root / "liar.zip")),
            ("large", _zip(root / "large.zip", "large.bin", args.entry_mib)),
        ]
        for label, path in cases:
            code, peak_mib, elapsed, last = _run(path)
            size = path.stat().st_size / (1 << 20)
            print(
                f"{label:6s} zip {size:7.1f} MiB  exit {code}  peak RSS (largest child so far) "
                f"{peak_mib:6.0f} MiB  {elapsed:6.1f} s  | {last[:90]}",
                flush=True,
            )


if __name__ == "__main__":
    main()
